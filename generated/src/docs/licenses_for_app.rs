//! # Find the licenses for an app
//!
//! Which tokens hold licenses for an app, and how many of them are in use? The function
//! `getLicensesForApp`, bound to the token collection, answers for one app identified by its
//! bundle id (`com.contoso.app`). It exists in **beta only**.
//!
//! Its result is a collection of
//! [`VppTokenLicenseSummary`](crate::beta::VppTokenLicenseSummary), one per token: the token's
//! id, Apple ID and organization, and the counts of available and used licenses. The bundle id
//! is written into the URL as an OData string literal (quoted, with `'` doubled, and
//! percent-encoded) by the request builder.
//!
//! ```no_run
//! use graph_vpptoken::beta;
//! use graph_vpptoken::runtime::Operation;
//! # fn send(_: graph_vpptoken::http::Request<graph_vpptoken::runtime::RequestBody>) -> graph_vpptoken::http::Response<Vec<u8>> { unimplemented!() }
//!
//! let call = beta::device_app_management()
//!     .vpp_tokens()
//!     .get_licenses_for_app("com.contoso.app");
//! let summaries = call.parse_response(&send(call.to_request()?))?;
//! for s in &summaries.value {
//!     println!(
//!         "token {:?} ({:?}): {:?} used, {:?} available",
//!         s.vpp_token_id, s.organization_name, s.used_license_count, s.available_license_count
//!     );
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! To refresh the counts from Apple first, call the collection's `sync_license_counts()`
//! (also beta only; the service answers `204 No Content`).
