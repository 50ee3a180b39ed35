//! # From a VPP app to its token
//!
//! An older beta documentation page described the path
//! `/deviceAppManagement/mobileApps/{mobileAppId}/microsoft.graph.iosVppApp/vppToken`. That
//! page is retired, and no such navigation exists in any published metadata: an app does not
//! link to its token, it names it by value. The token is then read from
//! `/deviceAppManagement/vppTokens/{id}` like any other.
//!
//! What an app says about its token depends on the version:
//!
//! | app property | v1.0 | beta |
//! |---|---|---|
//! | `vppTokenId` (the token's id, a string) | – | `iosVppApp`, `macOsVppApp` |
//! | `vppTokenAppleId`, `vppTokenOrganizationName`, `vppTokenAccountType` | `iosVppApp` | `iosVppApp`, `macOsVppApp` |
//!
//! This crate has no typed VPP apps yet, so the app is read with a plain request built from
//! [`RequestPath`](crate::runtime::RequestPath), and its JSON looked at as a
//! `serde_json::Value`.
//!
//! **Beta**: read the app's `vppTokenId`, then the token.
//!
//! ```no_run
//! use graph_vpptoken::runtime::{Operation, RequestPath};
//! use graph_vpptoken::{beta, http, serde_json};
//! # fn send(_: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> { unimplemented!() }
//! # fn send_op(_: http::Request<graph_vpptoken::runtime::RequestBody>) -> http::Response<Vec<u8>> { unimplemented!() }
//! # let app_id = "";
//!
//! // GET https://graph.microsoft.com/beta/deviceAppManagement/mobileApps/{app_id}?$select=vppTokenId
//! let app_url = RequestPath::new(beta::GraphRequestBuilder::DEFAULT_SERVICE_ROOT)
//!     .segment("deviceAppManagement")
//!     .segment("mobileApps")
//!     .key(app_id)
//!     .url();
//! let request = http::Request::get(format!("{app_url}?$select=vppTokenId"))
//!     .header("accept", "application/json")
//!     .body(Vec::new())?;
//! let app: serde_json::Value = serde_json::from_slice(send(request).body())?;
//!
//! if let Some(token_id) = app["vppTokenId"].as_str() {
//!     let get = beta::device_app_management().vpp_tokens().by_id(token_id).get();
//!     let token = get.parse_response(&send_op(get.to_request()?))?;
//!     println!("{:?} {:?}", token.organization_name, token.state);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **v1.0**: the app names the token's Apple ID and organization but not its id; list the
//! tokens and match them (see [`super::list_and_inspect`] for paging).
//!
//! ```no_run
//! use graph_vpptoken::runtime::Operation;
//! use graph_vpptoken::v1_0::{self, VppTokenProperty};
//! # fn send_op(_: graph_vpptoken::http::Request<graph_vpptoken::runtime::RequestBody>) -> graph_vpptoken::http::Response<Vec<u8>> { unimplemented!() }
//! # let app = graph_vpptoken::serde_json::Value::Null;
//!
//! // `app` is the JSON of GET /deviceAppManagement/mobileApps/{id} (an iosVppApp), read as above.
//! let apple_id = app["vppTokenAppleId"].as_str();
//! let organization = app["vppTokenOrganizationName"].as_str();
//!
//! let list = v1_0::device_app_management().vpp_tokens().list().select([
//!     VppTokenProperty::Id,
//!     VppTokenProperty::AppleId,
//!     VppTokenProperty::OrganizationName,
//! ]);
//! let page = list.parse_response(&send_op(list.to_request()?))?;
//! let token = page.value.iter().find(|t| {
//!     t.apple_id.as_deref() == apple_id && t.organization_name.as_deref() == organization
//! });
//! println!("{:?}", token.and_then(|t| t.id.as_deref()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Should several tokens share the Apple ID and organization, v1.0 cannot tell which one the
//! app uses; in beta the app's `vppTokenId` names it.
