//! # Renew a token before it expires
//!
//! A VPP token stops being valid at its `expiration_date_time`. To renew it, an administrator
//! downloads a new token from Apple Business Manager and uploads the token string to the
//! existing Intune token with an update (`PATCH` on `/deviceAppManagement/vppTokens/{id}`), so
//! that the Intune token keeps its id. Only the properties that are set are sent: the update
//! below changes the token string and nothing else.
//!
//! The token string is a secret: it grants access to the organization's purchases. This crate
//! never shows it in `Debug` output or in error messages, but keep it out of your own logs too.
//!
//! ```no_run
//! use graph_vpptoken::runtime::Operation;
//! use graph_vpptoken::v1_0::{self, VppTokenPatch};
//! # fn send(_: graph_vpptoken::http::Request<graph_vpptoken::runtime::RequestBody>) -> graph_vpptoken::http::Response<Vec<u8>> { unimplemented!() }
//! # let token_id = "";
//!
//! // The token string downloaded from Apple Business Manager.
//! let new_token = std::fs::read_to_string("downloaded-token.txt")?;
//!
//! let update = v1_0::device_app_management()
//!     .vpp_tokens()
//!     .by_id(token_id)
//!     .update(&VppTokenPatch::new().token(new_token.trim()));
//! let updated = update.parse_response(&send(update.to_request()?))?;
//! // Graph answers with the token (200) or with no content (204).
//! if let Some(token) = updated {
//!     println!("now {:?}, expires {:?}", token.state, token.expiration_date_time);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Then synchronize the token's licenses with Apple (`sync_licenses()`, see [`super::sync`]) and
//! read the token again ([`super::list_and_inspect`]) to check its `state` and its new
//! `expiration_date_time`.
//!
//! Other properties are changed the same way, such as
//! `VppTokenPatch::new().automatically_update_apps(true)`. A property that may be null can be
//! cleared with its `…_null()` setter; one that may not has no such setter. An update body can
//! also be read from JSON (`serde_json::from_str::<VppTokenPatch>(…)`), with the same rules.
//!
//! A token that was never uploaded is created instead, with `POST` on the collection; its body
//! is built with chained setters:
//!
//! ```no_run
//! use graph_vpptoken::runtime::Operation;
//! use graph_vpptoken::v1_0::{self, VppToken};
//! # let new_token = String::new();
//!
//! let create = v1_0::device_app_management()
//!     .vpp_tokens()
//!     .create(&VppToken::new().token(new_token).automatically_update_apps(true));
//! let request = create.to_request()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
