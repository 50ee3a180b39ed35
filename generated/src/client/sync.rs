//! Waiting for a vppToken's license sync: [`SyncWait`].
//!
//! `POST …/vppTokens/{vppToken-id}/syncLicenses` only starts a sync; the service reports its
//! progress in the token's `lastSyncStatus` (`none`, `inProgress`, `completed`, `failed`) and
//! `lastSyncDateTime`. [`SyncWait`] starts a sync (or takes one already started), polls the
//! token until the sync has finished, and returns the final token:
//!
//! ```no_run
//! use std::time::Duration;
//! use graph_vpptoken::client::Client;
//! use graph_vpptoken::client::sync::{SyncError, SyncWait};
//!
//! # async fn run(client: Client, id: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let token = client.v1_0().device_app_management().vpp_tokens().by_id(id);
//! match SyncWait::new().timeout(Duration::from_secs(300)).run(&token).await {
//!     Ok(synced) => println!("synced at {:?}", synced.last_sync_date_time),
//!     Err(SyncError::Failed { token }) => println!("the sync failed: {:?}", token.state),
//!     Err(SyncError::TimedOut { last, .. }) => println!("still {:?}", last.and_then(|t| t.last_sync_status)),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The same works with [`Client::beta`](super::Client::beta)'s builders: [`SyncWait::run`]
//! takes the item request builder of either version ([`SyncTarget`]) and returns that
//! version's `VppToken`.

use std::fmt;
use std::future::{Future, Pending, pending, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

use super::Error;
use crate::runtime::DateTimeOffset;

/// The wait before the first poll unless [`SyncWait::initial_interval`] says otherwise.
pub const DEFAULT_INITIAL_INTERVAL: Duration = Duration::from_secs(2);
/// The growth of the wait between polls unless [`SyncWait::factor`] says otherwise.
pub const DEFAULT_FACTOR: f64 = 2.0;
/// The longest wait between polls unless [`SyncWait::max_interval`] says otherwise.
pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(30);
/// How long a wait may last unless [`SyncWait::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Starts a vppToken's license sync, or takes one already started, and polls the token until
/// the sync has finished.
///
/// - **What counts as finished.** Right after the `POST`, the token may still show the
///   *previous* sync's `completed` (or `failed`). A terminal `lastSyncStatus` is only
///   accepted once `inProgress` has been seen since the sync was started, or when
///   `lastSyncDateTime` is later than before the sync, or when the status differs from the
///   one before the sync. What "before" was is read with a `GET` just before the `POST`
///   ([`run`](Self::run)), or given by the caller ([`wait`](Self::wait)).
/// - **`failed`** is an error, [`SyncError::Failed`], carrying the final token: `?` cannot
///   let a failed sync pass for a finished one. `completed` returns the final token.
/// - **Polling.** The first poll comes [`initial_interval`](Self::initial_interval) after the
///   `POST`; each wait is [`factor`](Self::factor) times the previous one, up to
///   [`max_interval`](Self::max_interval). A throttled poll (`429`, `503`) is retried by the
///   client after its `Retry-After`, within the client's [`RetryPolicy`](super::RetryPolicy);
///   any other failure of a request ends the wait with [`SyncError::Request`].
/// - **Timeout.** The wait ends [`timeout`](Self::timeout) after the call with
///   [`SyncError::TimedOut`] and the last token seen. The last wait is shortened so that a
///   final poll happens at the timeout. A request in flight at that moment is not cut short:
///   it is bounded by the client's own timeout and retries, so the call can return that much
///   later (wrap it in `tokio::time::timeout` for a hard bound).
/// - **Cancellation.** Dropping the future cancels the wait at once, between or during
///   requests; the sync itself goes on in the service. [`cancel_on`](Self::cancel_on) takes a
///   signal that ends the wait with [`SyncError::Cancelled`] and the last token seen.
///
/// Defaults: [`DEFAULT_INITIAL_INTERVAL`] (2 s), [`DEFAULT_FACTOR`] (2),
/// [`DEFAULT_MAX_INTERVAL`] (30 s), [`DEFAULT_TIMEOUT`] (10 minutes), no cancellation signal.
/// The polls then come 2, 6, 14, 30, 60, 90, … seconds after the `POST`.
///
/// Each poll is a `DEBUG` event (`polled the license sync`) with the poll number (`0` for
/// the token `syncLicenses` returned), the status and whether the sync is taken as finished.
///
/// ```
/// use std::time::Duration;
/// use graph_vpptoken::client::sync::SyncWait;
///
/// let wait = SyncWait::new()
///     .initial_interval(Duration::from_secs(1))
///     .factor(3.0)
///     .max_interval(Duration::from_secs(20))
///     .timeout(Duration::from_secs(120));
/// let waits: Vec<u64> = (1..=5).map(|poll| wait.interval(poll).as_secs()).collect();
/// assert_eq!(waits, [1, 3, 9, 20, 20]);
/// ```
#[must_use]
#[derive(Clone)]
pub struct SyncWait<C = Pending<()>> {
    schedule: Schedule,
    cancel: C,
}

impl Default for SyncWait {
    /// See [`SyncWait`] for the defaults.
    fn default() -> Self {
        Self {
            schedule: Schedule {
                initial_interval: DEFAULT_INITIAL_INTERVAL,
                factor: DEFAULT_FACTOR,
                max_interval: DEFAULT_MAX_INTERVAL,
                timeout: DEFAULT_TIMEOUT,
            },
            cancel: pending(),
        }
    }
}

impl SyncWait {
    /// A wait with the defaults (see [`SyncWait`]).
    pub fn new() -> Self {
        Self::default()
    }
}

impl<C> fmt::Debug for SyncWait<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.schedule;
        f.debug_struct("SyncWait")
            .field("initial_interval", &s.initial_interval)
            .field("factor", &s.factor)
            .field("max_interval", &s.max_interval)
            .field("timeout", &s.timeout)
            .finish_non_exhaustive()
    }
}

impl<C> SyncWait<C> {
    /// The wait between the start of the sync and the first poll.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.schedule.initial_interval = interval;
        self
    }

    /// How much longer each wait between polls is than the one before: `1` polls at a fixed
    /// interval. Values below `1`, and values that are not numbers, count as `1`.
    pub fn factor(mut self, factor: f64) -> Self {
        self.schedule.factor = if factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// The longest wait between polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.schedule.max_interval = interval;
        self
    }

    /// How long after the call the wait gives up with [`SyncError::TimedOut`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.schedule.timeout = timeout;
        self
    }

    /// Ends the wait with [`SyncError::Cancelled`] (and the last token seen) as soon as
    /// `signal` completes, whatever its output: a `tokio::sync::oneshot::Receiver`, a
    /// `CancellationToken::cancelled()` future, `tokio::signal::ctrl_c()`, …
    ///
    /// Dropping the future of [`run`](Self::run) or [`wait`](Self::wait) cancels it too,
    /// without telling what was seen.
    pub fn cancel_on<S: Future>(self, signal: S) -> SyncWait<S> {
        SyncWait {
            schedule: self.schedule,
            cancel: signal,
        }
    }

    /// The wait before poll number `poll` (`1` for the first poll), before the timeout
    /// shortens it: `initial_interval × factor^(poll − 1)`, at most `max_interval`.
    #[must_use]
    pub fn interval(&self, poll: u32) -> Duration {
        self.schedule.interval(poll)
    }
}

impl<C: Future> SyncWait<C> {
    /// Reads the token, starts its license sync (`POST …/syncLicenses`), and polls the token
    /// until the sync has finished; the final token.
    ///
    /// `item` is the item request builder of a client (such as
    /// `client.v1_0().device_app_management().vpp_tokens().by_id(id)`), of either version;
    /// one not built from a [`Client`](super::Client) fails with
    /// [`Error::NotBound`].
    ///
    /// # Errors
    /// [`SyncError::Failed`] when the sync failed, [`SyncError::TimedOut`] and
    /// [`SyncError::Cancelled`] when the wait ended first, [`SyncError::Request`] when a
    /// request failed.
    pub async fn run<I: SyncTarget>(self, item: &I) -> Result<I::Token, SyncError<I::Token>> {
        let start = Instant::now();
        let mut cancel = pin!(self.cancel);
        let before = match or_cancel(cancel.as_mut(), item.fetch_token()).await {
            None => return Err(SyncError::Cancelled { last: None }),
            Some(Err(source)) => return Err(SyncError::Request { source, last: None }),
            Some(Ok(token)) => token,
        };
        let mut progress = Progress::before(Some(&before));
        let started = match or_cancel(cancel.as_mut(), item.start_sync()).await {
            None => {
                return Err(SyncError::Cancelled {
                    last: Some(Box::new(before)),
                });
            }
            Some(Err(source)) => {
                return Err(SyncError::Request {
                    source,
                    last: Some(Box::new(before)),
                });
            }
            Some(Ok(started)) => started,
        };
        let last = match started {
            Some(token) => {
                let finished = progress.observe(&token);
                log_poll(0, &token, finished);
                if finished {
                    return finish(token);
                }
                token
            }
            None => before,
        };
        self.schedule
            .poll(item, start, progress, Some(last), cancel)
            .await
    }

    /// Polls the token until a license sync started before the call has finished; the final
    /// token.
    ///
    /// `before` is the token as it was before the sync was started, or as the
    /// `syncLicenses` request returned it: the baseline against which a terminal status is
    /// told from the previous sync's. Without it, only a terminal status reached after
    /// `inProgress` has been seen is accepted, so a sync that has already finished by the
    /// first poll is only reported by the timeout.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub async fn wait<I: SyncTarget>(
        self,
        item: &I,
        before: Option<&I::Token>,
    ) -> Result<I::Token, SyncError<I::Token>> {
        let start = Instant::now();
        let cancel = pin!(self.cancel);
        self.schedule
            .poll(item, start, Progress::before(before), None, cancel)
            .await
    }
}

/// The timing of the polls.
#[derive(Clone, Copy)]
struct Schedule {
    initial_interval: Duration,
    factor: f64,
    max_interval: Duration,
    timeout: Duration,
}

impl Schedule {
    /// See [`SyncWait::interval`].
    fn interval(&self, poll: u32) -> Duration {
        let mut wait = self.initial_interval.min(self.max_interval);
        for _ in 1..poll {
            if wait >= self.max_interval {
                break;
            }
            wait = Duration::try_from_secs_f64(wait.as_secs_f64() * self.factor)
                .unwrap_or(self.max_interval)
                .min(self.max_interval);
        }
        wait
    }

    /// Polls `item` until `progress` takes the sync as finished, the timeout (counted from
    /// `start`) is reached, `cancel` completes or a request fails.
    async fn poll<I: SyncTarget, C: Future>(
        self,
        item: &I,
        start: Instant,
        mut progress: Progress,
        mut last: Option<I::Token>,
        mut cancel: Pin<&mut C>,
    ) -> Result<I::Token, SyncError<I::Token>> {
        let deadline = start.checked_add(self.timeout);
        let mut polls = 0_u32;
        loop {
            let now = Instant::now();
            let left = deadline.map_or(Duration::MAX, |d| d.saturating_duration_since(now));
            if left.is_zero() {
                return Err(SyncError::TimedOut {
                    elapsed: now.duration_since(start),
                    polls,
                    last: last.map(Box::new),
                });
            }
            let wait = self.interval(polls + 1).min(left);
            if or_cancel(cancel.as_mut(), tokio::time::sleep(wait))
                .await
                .is_none()
            {
                return Err(SyncError::Cancelled {
                    last: last.map(Box::new),
                });
            }
            polls += 1;
            let token = match or_cancel(cancel.as_mut(), item.fetch_token()).await {
                None => {
                    return Err(SyncError::Cancelled {
                        last: last.map(Box::new),
                    });
                }
                Some(Err(source)) => {
                    return Err(SyncError::Request {
                        source,
                        last: last.map(Box::new),
                    });
                }
                Some(Ok(token)) => token,
            };
            let finished = progress.observe(&token);
            log_poll(polls, &token, finished);
            if finished {
                return finish(token);
            }
            last = Some(token);
        }
    }
}

/// `Ok` for a completed sync, [`SyncError::Failed`] for a failed one.
fn finish<T: SyncToken>(token: T) -> Result<T, SyncError<T>> {
    if token.sync_status() == Some(FAILED) {
        Err(SyncError::Failed {
            token: Box::new(token),
        })
    } else {
        Ok(token)
    }
}

fn log_poll<T: SyncToken>(poll: u32, token: &T, finished: bool) {
    tracing::debug!(
        target: super::TARGET,
        poll,
        status = token.sync_status(),
        finished,
        "polled the license sync"
    );
}

/// Polls `cancel` then `future`: `None` as soon as `cancel` has completed, else the output
/// of `future`.
async fn or_cancel<C: Future, F: Future>(mut cancel: Pin<&mut C>, future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    poll_fn(|cx| {
        if cancel.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        future.as_mut().poll(cx).map(Some)
    })
    .await
}

const IN_PROGRESS: &str = "inProgress";
const COMPLETED: &str = "completed";
const FAILED: &str = "failed";

/// What is known of the sync being waited for.
#[derive(Debug)]
struct Progress {
    /// `lastSyncDateTime` before the sync, if known.
    since: Option<OffsetDateTime>,
    /// `lastSyncStatus` before the sync, if known (`None` when unknown).
    status_before: Option<Option<String>>,
    /// Whether `inProgress` has been seen since the sync started.
    seen_in_progress: bool,
}

impl Progress {
    fn before<T: SyncToken>(token: Option<&T>) -> Self {
        Self {
            since: token
                .and_then(SyncToken::last_sync)
                .map(DateTimeOffset::to_offset_date_time),
            status_before: token.map(|t| t.sync_status().map(str::to_owned)),
            seen_in_progress: token.is_some_and(|t| t.sync_status() == Some(IN_PROGRESS)),
        }
    }

    /// Takes in a token read after the sync started; whether the sync is finished.
    fn observe<T: SyncToken>(&mut self, token: &T) -> bool {
        let status = token.sync_status();
        if status == Some(IN_PROGRESS) {
            self.seen_in_progress = true;
            return false;
        }
        if !matches!(status, Some(COMPLETED | FAILED)) {
            return false;
        }
        let later = match (
            token.last_sync().map(DateTimeOffset::to_offset_date_time),
            self.since,
        ) {
            (Some(now), Some(since)) => now > since,
            (Some(_), None) => self.status_before.is_some(),
            (None, _) => false,
        };
        let changed = self
            .status_before
            .as_ref()
            .is_some_and(|before| before.as_deref() != status);
        self.seen_in_progress || later || changed
    }
}

/// Why waiting for a license sync did not return the synced token.
///
/// `T` is the `VppToken` of the API version. Neither `Display` nor `Debug` shows a secret:
/// the token's `Debug` redacts its `token`, and the messages name no property value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError<T> {
    /// The sync finished with `lastSyncStatus` `failed`.
    #[error("the license sync of the vppToken failed")]
    Failed {
        /// The token as the failed sync left it.
        token: Box<T>,
    },
    /// The sync had not finished when the timeout was reached.
    #[error("the license sync had not finished after {elapsed:?} ({polls} polls)")]
    TimedOut {
        /// The time since the call.
        elapsed: Duration,
        /// How many times the token was read after the sync started.
        polls: u32,
        /// The last token seen (the last poll's, or the one read before the sync).
        last: Option<Box<T>>,
    },
    /// The cancellation signal completed (see [`SyncWait::cancel_on`]).
    #[error("waiting for the license sync was cancelled")]
    Cancelled {
        /// The last token seen, if any.
        last: Option<Box<T>>,
    },
    /// A request failed: reading the token, or starting the sync. The request's [`Error`] is
    /// the [`source`](std::error::Error::source).
    #[error("a request of the license sync failed")]
    Request {
        /// Why the request failed.
        source: Error,
        /// The last token seen before, if any.
        last: Option<Box<T>>,
    },
}

impl<T> SyncError<T> {
    /// The last token seen: the failed one, or the last one read before the wait ended.
    #[must_use]
    pub fn last_token(&self) -> Option<&T> {
        match self {
            Self::Failed { token } => Some(token),
            Self::TimedOut { last, .. } | Self::Cancelled { last } | Self::Request { last, .. } => {
                last.as_deref()
            }
        }
    }
}

mod sealed {
    /// Only this crate implements [`super::SyncTarget`] and [`super::SyncToken`].
    pub trait Sealed {}
}

/// The item request builder of a vppToken, in either API version: what [`SyncWait`] polls.
///
/// Implemented (and only implementable) for `v1_0::VppTokenItemRequestBuilder` and
/// `beta::VppTokenItemRequestBuilder`; their requests are sent with the client the builder
/// carries.
pub trait SyncTarget: sealed::Sealed + Sync {
    /// The version's `VppToken`.
    type Token: SyncToken;

    /// Reads the token: `GET …/vppTokens/{vppToken-id}`.
    fn fetch_token(&self) -> impl Future<Output = Result<Self::Token, Error>> + Send;

    /// Starts a license sync: `POST …/vppTokens/{vppToken-id}/syncLicenses`; the token the
    /// service returned, if any.
    fn start_sync(&self) -> impl Future<Output = Result<Option<Self::Token>, Error>> + Send;
}

/// The sync state of a `VppToken`, in either API version.
pub trait SyncToken: sealed::Sealed + fmt::Debug + Send + Sync {
    /// `lastSyncStatus` as written on the wire (`inProgress`, `completed`, …), if present.
    fn sync_status(&self) -> Option<&str>;

    /// `lastSyncDateTime`, if present.
    fn last_sync(&self) -> Option<&DateTimeOffset>;
}

// Used once per API version: unused when neither version's feature is on.
#[cfg(any(feature = "v1_0", feature = "beta"))]
macro_rules! sync_target {
    ($version:ident) => {
        impl sealed::Sealed for crate::$version::VppTokenItemRequestBuilder {}

        impl SyncTarget for crate::$version::VppTokenItemRequestBuilder {
            type Token = crate::$version::VppToken;

            fn fetch_token(&self) -> impl Future<Output = Result<Self::Token, Error>> + Send {
                let get = self.get();
                async move { get.send().await }
            }

            fn start_sync(
                &self,
            ) -> impl Future<Output = Result<Option<Self::Token>, Error>> + Send {
                let sync = self.sync_licenses();
                async move { sync.send().await }
            }
        }

        impl sealed::Sealed for crate::$version::VppToken {}

        impl SyncToken for crate::$version::VppToken {
            fn sync_status(&self) -> Option<&str> {
                self.last_sync_status.as_ref().map(|s| s.as_str())
            }

            fn last_sync(&self) -> Option<&DateTimeOffset> {
                self.last_sync_date_time.as_ref()
            }
        }
    };
}

#[cfg(feature = "v1_0")]
sync_target!(v1_0);
#[cfg(feature = "beta")]
sync_target!(beta);

#[cfg(all(test, feature = "v1_0"))]
mod tests {
    use super::*;
    use crate::v1_0::{VppToken, VppTokenSyncStatus};

    fn token(status: Option<&str>, at: Option<&str>) -> VppToken {
        VppToken {
            last_sync_status: status.map(VppTokenSyncStatus::from_wire),
            last_sync_date_time: at.map(|a| DateTimeOffset::parse(a).unwrap()),
            ..VppToken::default()
        }
    }

    const OLD: &str = "2026-01-01T00:00:00Z";
    const NEW: &str = "2026-01-01T00:05:00.0000001Z";

    #[test]
    fn intervals_grow_to_the_maximum() {
        let wait = SyncWait::new();
        let secs: Vec<u64> = (1..=7).map(|p| wait.interval(p).as_secs()).collect();
        assert_eq!(secs, [2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(wait.interval(0), DEFAULT_INITIAL_INTERVAL);
        assert_eq!(wait.interval(u32::MAX), DEFAULT_MAX_INTERVAL);

        let fixed = SyncWait::new().factor(0.5);
        assert_eq!(fixed.interval(9), DEFAULT_INITIAL_INTERVAL);
        let fixed = SyncWait::new().factor(f64::NAN);
        assert_eq!(fixed.interval(9), DEFAULT_INITIAL_INTERVAL);
        let huge = SyncWait::new()
            .factor(f64::INFINITY)
            .max_interval(Duration::MAX);
        assert_eq!(huge.interval(2), Duration::MAX);
        let capped = SyncWait::new()
            .initial_interval(Duration::from_secs(60))
            .max_interval(Duration::from_secs(10));
        assert_eq!(capped.interval(1), Duration::from_secs(10));
    }

    #[test]
    fn a_stale_terminal_status_is_not_taken_for_the_new_one() {
        let before = token(Some(COMPLETED), Some(OLD));
        let mut progress = Progress::before(Some(&before));
        assert!(!progress.observe(&token(Some(COMPLETED), Some(OLD))));
        assert!(!progress.observe(&token(Some(COMPLETED), None)));
        assert!(!progress.observe(&token(Some("none"), Some(NEW))));
        assert!(progress.observe(&token(Some(COMPLETED), Some(NEW))));
        assert!(progress.observe(&token(Some(FAILED), Some(NEW))));
        // Another terminal status than before is a new result, whatever its date.
        assert!(progress.observe(&token(Some(FAILED), Some(OLD))));
        // The same instant at another offset is not later.
        assert!(!progress.observe(&token(Some(COMPLETED), Some("2026-01-01T01:00:00+01:00"))));
    }

    #[test]
    fn in_progress_makes_the_next_terminal_status_count() {
        let before = token(Some(COMPLETED), Some(OLD));
        let mut progress = Progress::before(Some(&before));
        assert!(!progress.observe(&token(Some(IN_PROGRESS), Some(OLD))));
        assert!(progress.observe(&token(Some(COMPLETED), Some(OLD))));
    }

    #[test]
    fn without_a_baseline_only_in_progress_tells() {
        let mut progress = Progress::before::<VppToken>(None);
        assert!(!progress.observe(&token(Some(COMPLETED), Some(NEW))));
        assert!(!progress.observe(&token(Some(FAILED), Some(NEW))));
        assert!(!progress.observe(&token(Some(IN_PROGRESS), None)));
        assert!(progress.observe(&token(Some(FAILED), None)));

        // A token never synced before: any date is later.
        let never = token(Some("none"), None);
        let mut progress = Progress::before(Some(&never));
        assert!(progress.observe(&token(Some(COMPLETED), Some(OLD))));
        // A baseline already in progress counts as having seen it.
        let running = token(Some(IN_PROGRESS), Some(OLD));
        assert!(Progress::before(Some(&running)).observe(&token(Some(COMPLETED), Some(OLD))));
    }

    #[test]
    fn failed_is_an_error_with_the_token() {
        let err = finish(token(Some(FAILED), Some(NEW))).unwrap_err();
        assert_eq!(err.to_string(), "the license sync of the vppToken failed");
        assert_eq!(
            err.last_token().and_then(|t| t.last_sync_status.clone()),
            Some(VppTokenSyncStatus::Failed)
        );
        assert!(finish(token(Some(COMPLETED), Some(NEW))).is_ok());
    }

    #[test]
    fn errors_show_no_secret() {
        let mut secret = token(Some(FAILED), Some(NEW));
        secret.token = Some("vpp-secret-value".into());
        let errors = [
            SyncError::Failed {
                token: Box::new(secret.clone()),
            },
            SyncError::TimedOut {
                elapsed: Duration::from_secs(3),
                polls: 2,
                last: Some(Box::new(secret.clone())),
            },
            SyncError::Cancelled {
                last: Some(Box::new(secret)),
            },
        ];
        for err in errors {
            let text = format!("{err} {err:?} {err:#?}");
            assert!(!text.contains("vpp-secret-value"), "{text}");
        }
    }
}
