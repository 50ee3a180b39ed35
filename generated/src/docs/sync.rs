//! # Synchronize a token's licenses with Apple, and wait for the outcome
//!
//! `by_id(id).sync_licenses()` (`POST /deviceAppManagement/vppTokens/{id}/syncLicenses`, in
//! v1.0 and beta) asks Intune to fetch the token's apps and licenses from Apple again. It only
//! *starts* the work: the answer is the token as it is at that moment, and the outcome shows
//! later in its `last_sync_status` (`inProgress`, then `completed` or `failed`) and
//! `last_sync_date_time`.
//!
//! With the `client` feature, [`SyncWait`](crate::client::sync::SyncWait) does both steps: it
//! reads the token, starts the sync, then polls the token with backoff (2 s, doubling, at most
//! 30 s apart) until the sync has finished, for at most 10 minutes by default. It tells this
//! sync's `completed` from the previous one's (a token read right after the `POST` may still
//! show the last sync), returns the final token, and reports `failed` as an error that carries
//! the token:
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn run(token_id: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use graph_vpptoken::client::Client;
//! use graph_vpptoken::client::sync::{SyncError, SyncWait};
//!
//! let client = Client::builder().bearer_token(std::env::var("GRAPH_TOKEN")?).build()?;
//! let token = client.v1_0().device_app_management().vpp_tokens().by_id(token_id);
//! match SyncWait::new().timeout(Duration::from_secs(300)).run(&token).await {
//!     Ok(synced) => println!("synced at {:?}", synced.last_sync_date_time),
//!     Err(SyncError::Failed { token }) => println!("the sync failed; token state {:?}", token.state),
//!     Err(SyncError::TimedOut { polls, .. }) => println!("not finished after {polls} polls"),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The wait is cancelled by dropping its future (for example in `tokio::select!`), or ended
//! with [`SyncError::Cancelled`](crate::client::sync::SyncError::Cancelled) by a signal given
//! to `cancel_on`. A sync started by other means is waited for with `SyncWait::wait`, given
//! the token as it was before the sync.
//!
//! Without the client, send the request yourself and read the token again until its status
//! is `completed` or `failed` and its `last_sync_date_time` is later than before the sync:
//!
//! ```no_run
//! use graph_vpptoken::runtime::Operation;
//! use graph_vpptoken::v1_0::{self, VppTokenSyncStatus};
//! # fn send(_: graph_vpptoken::http::Request<graph_vpptoken::runtime::RequestBody>) -> graph_vpptoken::http::Response<Vec<u8>> { unimplemented!() }
//! # let token_id = "";
//!
//! let token = v1_0::device_app_management().vpp_tokens().by_id(token_id);
//! let sync = token.sync_licenses();
//! let started = sync.parse_response(&send(sync.to_request()?))?;
//! let get = token.get();
//! let now = get.parse_response(&send(get.to_request()?))?;
//! let finished = matches!(
//!     now.last_sync_status,
//!     Some(VppTokenSyncStatus::Completed | VppTokenSyncStatus::Failed)
//! ) && now.last_sync_date_time.map(|t| t.to_offset_date_time())
//!     > started.and_then(|t| t.last_sync_date_time).map(|t| t.to_offset_date_time());
//! # let _ = finished;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
