//! [`RetryPolicy`]: when a throttled or failed request is tried again, and how long to wait.

use std::time::Duration;

use http::StatusCode;

/// How the backoff waits are randomized, so that clients throttled together do not all come
/// back at the same moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Jitter {
    /// Exactly the computed delay.
    None,
    /// Uniformly random between zero and the computed delay ("full jitter").
    Full,
    /// Half the computed delay plus a uniformly random part of the other half ("equal
    /// jitter"): never less than half the delay.
    #[default]
    Equal,
}

/// When a request is tried again, and how long the client waits before it does.
///
/// - `429 Too Many Requests` and `503 Service Unavailable` responses are retried, for every
///   method.
/// - A connection that could not be opened is retried, for every method: the request never
///   reached the service.
/// - For idempotent methods only (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`: RFC 9110
///   §9.2.2), a timeout, before the response's headers or while its body is read (the body of
///   a `429` or `503` too), and a connection closed or reset before a complete response, its
///   body included, are retried. `POST` and `PATCH` are not: the service may have acted on
///   them already, and doing it twice is not the same as doing it once.
/// - Every other status and failure is returned at once.
///
/// A retried request may have reached the service before: an idempotent request has the same
/// effect done twice, but not always the same answer. A `DELETE` whose first attempt deleted
/// the token, and whose response was then lost, answers `404 Not Found` on the next attempt;
/// treat that `404` as done when the request was retried (the client's `retrying the request`
/// events say so).
/// - The wait is the response's `Retry-After` (seconds or an HTTP date) when it has one, else
///   an exponential backoff: `base_delay × 2^(retry − 1)`, capped at `max_delay`, with
///   [`Jitter`].
/// - There are at most `max_attempts` attempts (the first included), and the waits add up to
///   at most `max_total_wait`: when the next wait would go past it, the client stops at once
///   rather than sleep in vain, and returns
///   [`Error::RetriesExhausted`](super::Error::RetriesExhausted).
///
/// ```
/// use std::time::Duration;
/// use graph_vpptoken::client::{Jitter, RetryPolicy};
///
/// let policy = RetryPolicy::default()
///     .max_attempts(3)
///     .max_total_wait(Duration::from_secs(10))
///     .base_delay(Duration::from_millis(200))
///     .jitter(Jitter::None);
/// assert_eq!(policy.backoff(1), Duration::from_millis(200));
/// assert_eq!(policy.backoff(3), Duration::from_millis(800));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    max_total_wait: Duration,
    base_delay: Duration,
    max_delay: Duration,
    jitter: Jitter,
}

impl Default for RetryPolicy {
    /// 4 attempts, 60 s of waiting in all, a backoff from 500 ms up to 30 s, equal jitter.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_total_wait: Duration::from_secs(60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            jitter: Jitter::Equal,
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    #[must_use]
    pub fn never() -> Self {
        Self::default().max_attempts(1)
    }

    /// At most `attempts` attempts in all, the first included (`0` counts as `1`).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// At most this much time spent waiting between the attempts of one request.
    #[must_use]
    pub fn max_total_wait(mut self, budget: Duration) -> Self {
        self.max_total_wait = budget;
        self
    }

    /// The first backoff delay, doubled for every further retry.
    #[must_use]
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff delay (a `Retry-After` may ask for more; only the total budget
    /// bounds it).
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How backoff delays are randomized.
    #[must_use]
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// The maximum number of attempts.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The total wait budget.
    #[must_use]
    pub fn total_wait(&self) -> Duration {
        self.max_total_wait
    }

    /// The backoff before retry number `retry` (1 for the first retry) when the response has
    /// no `Retry-After`: `base_delay × 2^(retry − 1)`, capped at `max_delay`, then jittered.
    #[must_use]
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let delay = self
            .base_delay
            .checked_mul(1 << exponent)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay);
        match self.jitter {
            Jitter::None => delay,
            Jitter::Full => random_up_to(delay),
            Jitter::Equal => {
                let half = delay / 2;
                half + random_up_to(delay - half)
            }
        }
    }

    /// The wait before the next attempt, or `None` to stop: after `attempts` attempts, with
    /// `waited` already spent waiting, and the response's `Retry-After` delay if it had one.
    #[must_use]
    pub(crate) fn next_wait(
        &self,
        attempts: u32,
        retry_after: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| self.backoff(attempts));
        let total = waited.checked_add(delay)?;
        (total <= self.max_total_wait).then_some(delay)
    }
}

/// Whether a response with this status is retried: `429` and `503` only.
#[must_use]
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
}

/// A uniformly random duration in `[0, max]`.
fn random_up_to(max: Duration) -> Duration {
    let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn exact() -> RetryPolicy {
        RetryPolicy::default()
            .base_delay(100 * MS)
            .max_delay(1000 * MS)
            .jitter(Jitter::None)
    }

    #[test]
    fn exponential_and_capped() {
        let policy = exact();
        let delays: Vec<_> = (1..=6).map(|r| policy.backoff(r)).collect();
        assert_eq!(
            delays,
            [100 * MS, 200 * MS, 400 * MS, 800 * MS, 1000 * MS, 1000 * MS]
        );
        assert_eq!(policy.backoff(u32::MAX), 1000 * MS);
        let huge = exact()
            .base_delay(Duration::from_secs(u64::MAX / 2))
            .max_delay(Duration::MAX);
        assert_eq!(huge.backoff(40), Duration::MAX);
    }

    #[test]
    fn jitter_stays_in_range() {
        let full = exact().jitter(Jitter::Full);
        let equal = exact().jitter(Jitter::Equal);
        for _ in 0..200 {
            assert!(full.backoff(3) <= 400 * MS);
            let e = equal.backoff(3);
            assert!((200 * MS..=400 * MS).contains(&e), "{e:?}");
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let policy = exact().max_attempts(3);
        assert_eq!(policy.next_wait(1, None, Duration::ZERO), Some(100 * MS));
        assert_eq!(policy.next_wait(2, None, 100 * MS), Some(200 * MS));
        assert_eq!(policy.next_wait(3, None, 300 * MS), None);
        assert_eq!(
            RetryPolicy::never().next_wait(1, None, Duration::ZERO),
            None
        );
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn retry_after_wins_and_the_budget_is_kept() {
        let policy = exact()
            .max_attempts(10)
            .max_total_wait(Duration::from_secs(5));
        let secs = Duration::from_secs;
        assert_eq!(
            policy.next_wait(1, Some(secs(3)), Duration::ZERO),
            Some(secs(3))
        );
        assert_eq!(policy.next_wait(2, Some(secs(2)), secs(3)), Some(secs(2)));
        // The next wait would go past the budget: stop now instead of sleeping.
        assert_eq!(policy.next_wait(2, Some(secs(3)), secs(3)), None);
        assert_eq!(policy.next_wait(1, Some(secs(3600)), Duration::ZERO), None);
        assert_eq!(policy.next_wait(1, Some(Duration::MAX), secs(1)), None);
    }

    #[test]
    fn only_429_and_503_are_retried() {
        assert!(is_retryable_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
        for status in [400, 401, 403, 404, 409, 500, 502, 504] {
            assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
    }
}
