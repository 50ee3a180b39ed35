//! # List the tokens and inspect them
//!
//! The tenant's VPP tokens are the collection `/deviceAppManagement/vppTokens`; there is no
//! other path to them. A list is paged: each page holds some tokens and, when more remain, a
//! link to the next page. For an overview, ask only for the properties you read with
//! `$select` (the others are then absent, which is why every field is an `Option`).
//!
//! What to look at:
//!
//! - `state`: [`VppTokenState::Valid`](crate::v1_0::VppTokenState::Valid) while the token
//!   works; `expired`, `invalid`, or `assignedToExternalMDM` (another management service
//!   uses it) when it needs attention. Beta also knows `duplicateLocationId`, and a member this
//!   crate does not know yet is kept as `UnknownValue`.
//! - `expiration_date_time`: when the token stops being valid. Renew it before then
//!   ([`super::renew`]).
//! - `last_sync_date_time` and `last_sync_status` (`none`, `inProgress`, `completed`,
//!   `failed`): when apps and licenses were last synchronized with Apple, and how that went.
//!
//! ```no_run
//! use graph_vpptoken::runtime::{DateTimeOffset, Operation};
//! use graph_vpptoken::time::OffsetDateTime;
//! use graph_vpptoken::v1_0::{self, VppToken, VppTokenProperty, VppTokenState};
//! # fn send(_: graph_vpptoken::http::Request<graph_vpptoken::runtime::RequestBody>) -> graph_vpptoken::http::Response<Vec<u8>> { unimplemented!() }
//!
//! let list = v1_0::device_app_management()
//!     .vpp_tokens()
//!     .list()
//!     .select([
//!         VppTokenProperty::Id,
//!         VppTokenProperty::OrganizationName,
//!         VppTokenProperty::AppleId,
//!         VppTokenProperty::State,
//!         VppTokenProperty::ExpirationDateTime,
//!         VppTokenProperty::LastSyncDateTime,
//!         VppTokenProperty::LastSyncStatus,
//!     ]);
//!
//! let mut tokens: Vec<VppToken> = Vec::new();
//! let mut page = list.parse_response(&send(list.to_request()?))?;
//! loop {
//!     tokens.append(&mut page.value);
//!     let Some(next) = page.next_page() else { break };
//!     page = next.parse_response(&send(next.to_request()?))?;
//! }
//!
//! let now = DateTimeOffset::from(OffsetDateTime::now_utc());
//! for token in &tokens {
//!     let healthy = token.state == Some(VppTokenState::Valid);
//!     let expired = token
//!         .expiration_date_time
//!         .as_ref()
//!         .is_some_and(|at| at.to_offset_date_time() <= now.to_offset_date_time());
//!     println!(
//!         "{} {:?}: state {:?}, expires {:?}, last sync {:?} ({:?}){}",
//!         token.id.as_deref().unwrap_or("?"),
//!         token.organization_name,
//!         token.state,
//!         token.expiration_date_time,
//!         token.last_sync_date_time,
//!         token.last_sync_status,
//!         if healthy && !expired { "" } else { "  <- needs attention" },
//!     );
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! One token is `by_id(id).get()`, with the same `select`. Dates keep Graph's text and
//! precision; `to_offset_date_time()` gives a [`time::OffsetDateTime`] to compare or format.
//! `$filter` and `$orderby` are passed on as written (`.filter("state eq 'expired'")`); whether
//! the service honours a given expression on this collection is up to the service.
//!
//! With the `client` feature the loop above is one line, `list.stream().collect_all().await?`
//! on a list built from `Client::v1_0()`.
