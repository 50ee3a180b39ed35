//! # Revoke the licenses of a token
//!
//! Before a token is deleted, or when the apps it licensed should no longer be installed,
//! the licenses assigned through it can be taken back with the action `revokeLicenses`. It
//! exists in **beta only** (v1.0 has no such action), so use [`crate::beta`].
//!
//! The action takes two parameters:
//!
//! - `notify_managed_devices` (required): whether the devices that lose a license are told;
//! - `revoke_untracked_licenses` (optional): whether licenses that Intune does not track are
//!   revoked too; left out of the body when `None`.
//!
//! The service answers `204 No Content`. The token's `token_action_results` (beta) report
//! the actions run on it; for this one a
//! [`VppTokenRevokeLicensesActionResult`](crate::beta::VppTokenRevokeLicensesActionResult)
//! gives the action's state, the number of licenses and how many could not be revoked, with a
//! failure reason.
//!
//! ```no_run
//! use graph_vpptoken::beta::{self, AnyVppTokenActionResult, RevokeLicensesParameters, VppTokenProperty};
//! use graph_vpptoken::runtime::Operation;
//! # fn send(_: graph_vpptoken::http::Request<graph_vpptoken::runtime::RequestBody>) -> graph_vpptoken::http::Response<Vec<u8>> { unimplemented!() }
//! # let token_id = "";
//!
//! let token = beta::device_app_management().vpp_tokens().by_id(token_id);
//! let revoke = token.revoke_licenses(&RevokeLicensesParameters {
//!     notify_managed_devices: true,
//!     revoke_untracked_licenses: Some(false),
//! });
//! revoke.parse_response(&send(revoke.to_request()?))?;
//!
//! // Later: how did it go?
//! let get = token.get().select([VppTokenProperty::TokenActionResults]);
//! let current = get.parse_response(&send(get.to_request()?))?;
//! for result in current.token_action_results.iter().flatten() {
//!     if let AnyVppTokenActionResult::VppTokenRevokeLicensesActionResult(r) = result {
//!         println!(
//!             "{:?}: {:?} of {:?} licenses failed ({:?})",
//!             r.action_state, r.failed_licenses_count, r.total_licenses_count, r.action_failure_reason
//!         );
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
