//! Sending one [`Operation`]: render, authorize, send, retry, read, parse.

use std::time::Duration;

use http::header::AUTHORIZATION;
use http::{Method, StatusCode};
use time::OffsetDateTime;
use tokio::time::Instant;
use tracing::field::Empty;
use tracing::{Instrument, Level, Span};

use super::auth::authorization;
use super::credentials::SentCredentials;
use super::error::{Error, TransportKind, transport};
use super::retry::is_retryable_status;
use super::{Client, TARGET};
use crate::runtime::{BuildError, GraphError, Operation, RequestBody};

impl Client {
    /// Sends `operation` and parses its response, retrying as the [`RetryPolicy`] says.
    ///
    /// Works for any request value, whether or not its path carries a client (such as one
    /// from [`crate::v1_0::device_app_management`] or
    /// [`GraphRequestBuilder::with_service_root`](crate::v1_0::GraphRequestBuilder::with_service_root)),
    /// as long as its URL is below this client's Graph endpoint. The request is rendered again
    /// with [`Operation::to_request`] for every attempt, and the [`TokenSource`] is asked for
    /// a token before every attempt.
    ///
    /// The request is a `graph.request` span with its method, its URL template
    /// ([`Operation::path_template`]), the last status and Graph's request ids; each retry is
    /// an event in it, and so is its end: `request completed` (`DEBUG`) or, when the retries
    /// ran out, `giving up on the request` (`WARN`) (see [the module docs](super#tracing)).
    ///
    /// ```no_run
    /// # async fn run(client: graph_vpptoken::client::Client) -> Result<(), graph_vpptoken::client::Error> {
    /// use graph_vpptoken::v1_0::device_app_management;
    ///
    /// let count = client.execute(&device_app_management().vpp_tokens().count()).await?;
    /// # let _ = count; Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// - [`Error::Build`] when the request cannot be rendered, [`Error::ForeignUrl`] when its
    ///   URL is not below the Graph endpoint, [`Error::Token`] when no token can be had;
    /// - [`Error::Status`] for an error response, [`Error::Decode`] and
    ///   [`Error::UnexpectedResponse`] for a response of the wrong form;
    /// - [`Error::Transport`] when sending fails;
    /// - [`Error::RetriesExhausted`] when the request was throttled (`429`), the service was
    ///   unavailable (`503`) or the connection failed on every attempt the policy allowed
    ///   (which failures are retried, and for which methods, is in [`RetryPolicy`]).
    ///   With a policy of a single attempt ([`RetryPolicy::never`]), that last outcome is
    ///   returned as is instead.
    ///
    /// [`RetryPolicy`]: super::RetryPolicy
    /// [`RetryPolicy::never`]: super::RetryPolicy::never
    /// [`TokenSource`]: super::TokenSource
    pub async fn execute<O: Operation>(&self, operation: &O) -> Result<O::Output, Error> {
        let span = request_span(operation.path_template());
        self.send_with_retries(operation, &span)
            .instrument(span.clone())
            .await
            .map_err(|error| self.redact(error))
    }

    /// `error` with the access tokens this client has sent scrubbed from it (a service may
    /// echo the token it was sent, in a message, an inner error or a body).
    pub(crate) fn redact(&self, error: Error) -> Error {
        error.redact(&self.inner.sent.secrets())
    }

    /// The body of [`Self::execute`], inside the request's `span`.
    async fn send_with_retries<O: Operation>(
        &self,
        operation: &O,
        span: &Span,
    ) -> Result<O::Output, Error> {
        let policy = &self.inner.retry;
        let started = Instant::now();
        let mut attempts = 0_u32;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let request = self.prepare(operation.to_request()?).await?;
            let method = request.method().clone();
            if attempts == 1 {
                span.record("http.request.method", method.as_str());
            }
            let done = Done {
                method: &method,
                template: operation.path_template(),
                started,
            };
            // The error to retry after, and the status and ids of the response if there was one
            // (recorded in the span if the client gives up).
            let (retry_after, last, reason, answer) = match self.attempt(request).await {
                Ok((response, answer)) if is_retryable_status(response.status()) => {
                    let error = GraphError::from_response_redacted(&response, &operation.secrets());
                    let delay = error
                        .retry_after
                        .map(|r| r.delay_from(OffsetDateTime::now_utc()));
                    let error = Error::Status(Box::new(error));
                    (delay, error, RetryReason::Status, Some(answer))
                }
                Ok((response, answer)) => {
                    done.completed(Some(&answer), None);
                    answer.record(span);
                    return operation.parse_response(&response).map_err(Error::from);
                }
                Err((error, answer)) => match retry_reason(&error, &method) {
                    Some(reason) => (None, transport(error), reason, answer),
                    None => {
                        let error = transport(error);
                        done.completed(answer.as_ref(), Some(&error));
                        if let Some(answer) = &answer {
                            answer.record(span);
                        }
                        return Err(error);
                    }
                },
            };
            match policy.next_wait(attempts, retry_after, waited) {
                Some(delay) => {
                    retry_event(attempts, answer.as_ref(), reason, delay, retry_after);
                    tokio::time::sleep(delay).await;
                    waited += delay;
                }
                None => {
                    // The event first: the span then shows the status and ids only once.
                    if policy.attempts() == 1 {
                        done.completed(answer.as_ref(), Some(&last));
                    } else {
                        done.gave_up(attempts, answer.as_ref(), reason);
                    }
                    if let Some(answer) = &answer {
                        answer.record(span);
                    }
                    if policy.attempts() == 1 {
                        return Err(last);
                    }
                    return Err(Error::RetriesExhausted {
                        attempts,
                        last: Box::new(last),
                    });
                }
            }
        }
    }

    /// One attempt: sends `request` and reads the whole response. A failure comes with the
    /// status and ids of the response when it failed while its body was being read.
    async fn attempt(
        &self,
        request: reqwest::Request,
    ) -> Result<(http::Response<Vec<u8>>, Answer), (reqwest::Error, Option<Answer>)> {
        let response = self
            .inner
            .http
            .execute(request)
            .await
            .map_err(|e| (e, None))?;
        let answer = Answer::of(&response, &self.inner.sent);
        match read(response).await {
            Ok(response) => Ok((response, answer)),
            Err(e) => Err((e, Some(answer))),
        }
    }

    /// Turns a rendered request into a `reqwest` one with the `Authorization` header and the
    /// timeout, after checking that it goes below the Graph endpoint.
    async fn prepare(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<reqwest::Request, Error> {
        let url = request.uri().to_string();
        let mut request =
            reqwest::Request::try_from(request.map(RequestBody::into_vec)).map_err(|e| {
                Error::Build(BuildError::InvalidUrl {
                    url,
                    message: e.to_string(),
                })
            })?;
        self.check_url(request.url())?;
        let authorization = authorization(&*self.inner.token, &self.inner.sent).await?;
        request.headers_mut().insert(AUTHORIZATION, authorization);
        *request.timeout_mut() = self.inner.timeout;
        Ok(request)
    }

    /// Accepts only URLs with the Graph endpoint's scheme, host and port, and below its path.
    fn check_url(&self, url: &reqwest::Url) -> Result<(), Error> {
        let base = &self.inner.base;
        let base_path = base.path().trim_end_matches('/');
        let below = url
            .path()
            .strip_prefix(base_path)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if url.origin() == base.origin() && below {
            Ok(())
        } else {
            Err(Error::ForeignUrl {
                origin: url.origin().ascii_serialization(),
            })
        }
    }
}

/// Why an attempt is followed by another.
#[derive(Clone, Copy)]
enum RetryReason {
    /// A `429` or `503` response.
    Status,
    /// The connection could not be opened.
    Connect,
    /// The attempt timed out before the response's headers.
    Timeout,
    /// The attempt timed out while the response body was being read.
    BodyTimeout,
    /// The connection was closed before a complete response.
    Closed,
    /// The connection was reset.
    Reset,
}

impl RetryReason {
    /// The `reason` field of the events.
    fn as_str(self, status: Option<u16>) -> &'static str {
        match self {
            Self::Status if status == Some(429) => "throttled",
            Self::Status => "unavailable",
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::BodyTimeout => "body_timeout",
            Self::Closed => "connection_closed",
            Self::Reset => "connection_reset",
        }
    }
}

/// The span of one request (all its attempts): `graph.request` at `INFO`, with the method,
/// the URL template (never the filled-in path or the query), and, once the request is done,
/// the status of the last response and its Graph `request-id` and `client-request-id`
/// headers (those of earlier attempts are in the retry events). Neither the
/// `Authorization` header nor a body is ever recorded.
fn request_span(template: Option<&'static str>) -> Span {
    tracing::info_span!(
        target: TARGET,
        "graph.request",
        http.request.method = Empty,
        url.template = template,
        http.response.status_code = Empty,
        request_id = Empty,
        client_request_id = Empty,
    )
}

/// The longest header value recorded; Graph's ids are GUIDs.
const MAX_ID_LEN: usize = 128;

/// What the logs show of a response: its status and Graph's request ids.
struct Answer {
    status: StatusCode,
    request_id: Option<String>,
    client_request_id: Option<String>,
}

impl Answer {
    /// The answer of `response`, with the tokens in `sent` scrubbed from the ids (a service
    /// may echo anything in a header).
    fn of(response: &reqwest::Response, sent: &SentCredentials) -> Self {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .filter(|v| v.len() <= MAX_ID_LEN)
                .map(|v| sent.scrub(v).into_owned())
        };
        Self {
            status: response.status(),
            request_id: header("request-id"),
            client_request_id: header("client-request-id"),
        }
    }

    /// Records the answer in the request's span: that of the last attempt.
    fn record(&self, span: &Span) {
        span.record("http.response.status_code", self.status.as_u16());
        if let Some(id) = &self.request_id {
            span.record("request_id", id.as_str());
        }
        if let Some(id) = &self.client_request_id {
            span.record("client_request_id", id.as_str());
        }
    }
}

/// The event of a retry, in the request's span: the attempt that failed, its status and
/// request id (or why it failed without a response) and the wait before the next attempt.
fn retry_event(
    attempt: u32,
    answer: Option<&Answer>,
    reason: RetryReason,
    wait: Duration,
    retry_after: Option<Duration>,
) {
    let status = answer.map(|a| a.status.as_u16());
    tracing::info!(
        target: TARGET,
        attempt,
        http.response.status_code = status,
        request_id = answer.and_then(|a| a.request_id.as_deref()),
        reason = reason.as_str(status),
        wait = ?wait,
        retry_after = retry_after.is_some(),
        "retrying the request"
    );
}

/// What the last event of a request tells: how it ended.
struct Done<'a> {
    method: &'a Method,
    template: Option<&'static str>,
    started: Instant,
}

impl Done<'_> {
    /// The event of a request that ended without giving up on retries, at `DEBUG`: its
    /// method, URL template, final status (if a response came), duration and request id; and,
    /// when it failed without an error status, what happened.
    fn completed(&self, answer: Option<&Answer>, error: Option<&Error>) {
        tracing::event!(
            target: TARGET,
            Level::DEBUG,
            http.request.method = self.method.as_str(),
            url.template = self.template,
            http.response.status_code = answer.map(|a| a.status.as_u16()),
            duration = ?self.started.elapsed(),
            request_id = answer.and_then(|a| a.request_id.as_deref()),
            error = error.filter(|e| e.status().is_none()).map(tracing::field::display),
            "request completed"
        );
    }

    /// The event of a request whose retries ran out, at `WARN`: as [`Self::completed`], with
    /// the number of attempts and why the last one failed.
    fn gave_up(&self, attempts: u32, answer: Option<&Answer>, reason: RetryReason) {
        let status = answer.map(|a| a.status.as_u16());
        tracing::event!(
            target: TARGET,
            Level::WARN,
            http.request.method = self.method.as_str(),
            url.template = self.template,
            http.response.status_code = status,
            duration = ?self.started.elapsed(),
            request_id = answer.and_then(|a| a.request_id.as_deref()),
            attempts,
            reason = reason.as_str(status),
            "giving up on the request"
        );
    }
}

/// Sends `operation` with `client`, or fails with [`Error::NotBound`] without one: the body
/// of the `send` methods of the request values.
pub(crate) async fn send_bound<O: Operation>(
    client: Option<&Client>,
    operation: &O,
) -> Result<O::Output, Error> {
    client.ok_or(Error::NotBound)?.execute(operation).await
}

/// Whether a failed attempt is worth another, and why:
/// - a connection that could not be opened, for every method: the request never reached
///   the service;
/// - for idempotent methods only (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`, RFC 9110
///   §9.2.2), a timeout (before the headers or while reading the body) and a connection closed
///   or reset before a complete response: for `POST` and `PATCH` the service may have acted on
///   the request already.
fn retry_reason(error: &reqwest::Error, method: &Method) -> Option<RetryReason> {
    if error.is_connect() {
        return Some(RetryReason::Connect);
    }
    if !method.is_idempotent() {
        return None;
    }
    match TransportKind::of(error) {
        TransportKind::Timeout => Some(RetryReason::Timeout),
        TransportKind::BodyTimeout => Some(RetryReason::BodyTimeout),
        TransportKind::Closed => Some(RetryReason::Closed),
        TransportKind::Reset => Some(RetryReason::Reset),
        _ => None,
    }
}

/// Reads the whole response into an [`http::Response`] for [`Operation::parse_response`].
async fn read(response: reqwest::Response) -> Result<http::Response<Vec<u8>>, reqwest::Error> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut out = http::Response::new(Vec::from(body));
    *out.status_mut() = status;
    *out.version_mut() = version;
    *out.headers_mut() = headers;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::builder()
            .endpoint(base)
            .bearer_token("t")
            .build()
            .unwrap()
    }

    fn check(client: &Client, url: &str) -> Result<(), Error> {
        client.check_url(&reqwest::Url::parse(url).unwrap())
    }

    #[test]
    fn the_token_goes_only_below_the_endpoint() {
        let graph = client("https://graph.microsoft.com");
        assert!(
            check(
                &graph,
                "https://graph.microsoft.com/v1.0/deviceAppManagement"
            )
            .is_ok()
        );
        assert!(
            check(
                &graph,
                "https://GRAPH.microsoft.com:443/beta/x?$skiptoken=1"
            )
            .is_ok()
        );
        for foreign in [
            "http://graph.microsoft.com/v1.0",
            "https://graph.microsoft.com:8443/v1.0",
            "https://graph.microsoft.com.example/v1.0",
            "https://example.com/v1.0",
        ] {
            let err = check(&graph, foreign).unwrap_err();
            assert!(matches!(err, Error::ForeignUrl { .. }), "{foreign}");
        }
        let proxied = client("https://proxy.example/graph/");
        assert!(check(&proxied, "https://proxy.example/graph/v1.0/x").is_ok());
        assert!(check(&proxied, "https://proxy.example/graph").is_ok());
        assert!(check(&proxied, "https://proxy.example/graphs/v1.0").is_err());
        assert!(check(&proxied, "https://proxy.example/v1.0").is_err());
    }

    #[cfg(feature = "v1_0")]
    #[tokio::test]
    async fn unbound_requests_fail_without_sending() {
        let list = crate::v1_0::device_app_management().vpp_tokens().count();
        assert!(matches!(list.send().await, Err(Error::NotBound)));
    }

    #[cfg(feature = "v1_0")]
    #[tokio::test]
    async fn foreign_requests_are_not_sent() {
        let client = client("http://127.0.0.1:9");
        // Built without the client: rooted at graph.microsoft.com, not at the client's endpoint.
        let count = crate::v1_0::device_app_management().vpp_tokens().count();
        let err = client.execute(&count).await.unwrap_err();
        assert!(
            matches!(&err, Error::ForeignUrl { origin } if origin == "https://graph.microsoft.com"),
            "{err:?}"
        );
    }

    #[cfg(feature = "v1_0")]
    mod faults {
        //! What is retried when the connection fails or times out, against a loopback server
        //! that misbehaves on cue. Timeouts run out on a paused clock.

        use super::super::super::TransportKind;
        use super::super::super::testing::{Fault, FaultServer, send_pausing};
        use super::Error;

        const TOKEN: &str = r#"{"id":"1","state":"valid"}"#;
        const HEAD_200: &str =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100";
        const HEAD_429: &str = "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n\
                                retry-after: 0\r\ncontent-length: 100";

        fn ok(body: &'static str) -> Fault {
            Fault::Answer { status: 200, body }
        }

        fn stalled_body(head: &'static str) -> Fault {
            Fault::Stall {
                head,
                body: r#"{"error":"#,
            }
        }

        fn closed_in_body() -> Fault {
            Fault::CloseInBody {
                head: HEAD_200,
                body: r#"{"id":"#,
            }
        }

        /// GETs the token `1` from a server doing `faults`, with up to `attempts` attempts;
        /// returns the outcome and the request lines the server read.
        async fn get(faults: Vec<Fault>, attempts: u32) -> (Result<(), Error>, Vec<String>) {
            let mut server = FaultServer::start(faults);
            let client = server.client(attempts);
            let get = client
                .v1_0()
                .device_app_management()
                .vpp_tokens()
                .by_id("1")
                .get();
            let result = send_pausing(&client, &get, &mut server).await;
            let result = result.map(|token| assert_eq!(token.id.as_deref(), Some("1")));
            (result, server.requests())
        }

        /// POSTs `syncLicenses` (or, with `patch`, PATCHes the token) to a server doing
        /// `faults`, with 4 attempts allowed.
        async fn unsafe_method(fault: Fault, patch: bool) -> (Error, Vec<String>) {
            let mut server = FaultServer::start(vec![fault, ok(TOKEN)]);
            let client = server.client(4);
            let token = client
                .v1_0()
                .device_app_management()
                .vpp_tokens()
                .by_id("1");
            let result = if patch {
                let patch = crate::v1_0::VppTokenPatch::new().country_or_region("us");
                send_pausing(&client, &token.update(&patch), &mut server)
                    .await
                    .map(drop)
            } else {
                send_pausing(&client, &token.sync_licenses(), &mut server)
                    .await
                    .map(drop)
            };
            (result.unwrap_err(), server.requests())
        }

        #[tokio::test]
        async fn a_get_is_retried_after_a_timeout_while_reading_the_body() {
            let (result, requests) = get(vec![stalled_body(HEAD_200), ok(TOKEN)], 4).await;
            result.expect("the second attempt succeeds");
            assert_eq!(requests.len(), 2, "{requests:?}");
        }

        #[tokio::test]
        async fn a_get_is_retried_after_a_timeout_while_reading_a_429s_body() {
            let (result, requests) = get(vec![stalled_body(HEAD_429), ok(TOKEN)], 4).await;
            result.expect("the second attempt succeeds");
            assert_eq!(requests.len(), 2, "{requests:?}");
        }

        #[tokio::test]
        async fn a_get_is_retried_after_a_timeout_before_the_headers() {
            let stall = Fault::Stall { head: "", body: "" };
            let (result, requests) = get(vec![stall, ok(TOKEN)], 4).await;
            result.expect("the second attempt succeeds");
            assert_eq!(requests.len(), 2, "{requests:?}");
        }

        #[tokio::test]
        async fn a_get_is_retried_when_the_connection_is_closed_or_reset() {
            for fault in [Fault::Close, closed_in_body(), Fault::Reset] {
                let (result, requests) = get(vec![fault.clone(), ok(TOKEN)], 4).await;
                result.unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
                assert_eq!(requests.len(), 2, "{fault:?}: {requests:?}");
            }
        }

        #[tokio::test]
        async fn the_attempts_stay_bounded() {
            let (result, requests) = get(
                vec![Fault::Close, closed_in_body(), Fault::Reset, ok(TOKEN)],
                3,
            )
            .await;
            let err = result.unwrap_err();
            assert!(
                matches!(err, Error::RetriesExhausted { attempts: 3, .. }),
                "{err:?}"
            );
            assert_eq!(err.transport_kind(), Some(TransportKind::Reset), "{err:?}");
            assert_eq!(requests.len(), 3, "{requests:?}");
        }

        #[tokio::test]
        async fn post_and_patch_are_not_retried_once_they_may_have_reached_the_service() {
            for (fault, kind) in [
                (stalled_body(HEAD_200), TransportKind::BodyTimeout),
                (Fault::Stall { head: "", body: "" }, TransportKind::Timeout),
                (Fault::Close, TransportKind::Closed),
                (closed_in_body(), TransportKind::Closed),
                (Fault::Reset, TransportKind::Reset),
            ] {
                for patch in [false, true] {
                    let (err, requests) = unsafe_method(fault.clone(), patch).await;
                    assert!(matches!(err, Error::Transport(_)), "{fault:?}: {err:?}");
                    assert_eq!(err.transport_kind(), Some(kind), "{fault:?}: {err:?}");
                    assert_eq!(requests.len(), 1, "{fault:?}: {requests:?}");
                    // A reset connection's request is not read.
                    let method = if patch { "PATCH " } else { "POST " };
                    let reset = matches!(fault, Fault::Reset);
                    assert!(reset || requests[0].starts_with(method), "{requests:?}");
                }
            }
        }
    }
}
