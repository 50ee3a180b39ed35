//! Sending one [`Operation`]: render, authorize, send, retry, read, parse.

use std::time::Duration;

use http::header::AUTHORIZATION;
use http::{Method, StatusCode};
use time::OffsetDateTime;
use tracing::field::Empty;
use tracing::{Instrument, Span};

use super::Client;
use super::auth::authorization;
use super::credentials::SentCredentials;
use super::error::{Error, transport};
use super::retry::is_retryable_status;
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
    /// an event in it (see [the module docs](super#tracing)).
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
    ///   unavailable (`503`) or the connection failed on every attempt the policy allowed.
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
        let mut attempts = 0_u32;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let request = self.prepare(operation.to_request()?).await?;
            let method = request.method().clone();
            if attempts == 1 {
                span.record("http.request.method", method.as_str());
            }
            // The error to retry after, and the status and ids of the response if there was one
            // (recorded in the span if the client gives up).
            let (retry_after, last, reason, answer) = match self.inner.http.execute(request).await {
                Ok(response) if is_retryable_status(response.status()) => {
                    let answer = Answer::of(&response, &self.inner.sent);
                    let error = GraphError::from_response_redacted(
                        &read(response).await?,
                        &operation.secrets(),
                    );
                    let delay = error
                        .retry_after
                        .map(|r| r.delay_from(OffsetDateTime::now_utc()));
                    let error = Error::Status(Box::new(error));
                    (delay, error, RetryReason::Status, Some(answer))
                }
                Ok(response) => {
                    Answer::of(&response, &self.inner.sent).record(span);
                    let response = read(response).await?;
                    return operation.parse_response(&response).map_err(Error::from);
                }
                Err(e) if is_retryable_transport(&e, &method) => {
                    let reason = if e.is_connect() {
                        RetryReason::Connect
                    } else {
                        RetryReason::Timeout
                    };
                    (None, transport(e), reason, None)
                }
                Err(e) => return Err(transport(e)),
            };
            match policy.next_wait(attempts, retry_after, waited) {
                Some(delay) => {
                    retry_event(attempts, answer.as_ref(), reason, delay, retry_after);
                    tokio::time::sleep(delay).await;
                    waited += delay;
                }
                None => {
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
    /// The attempt timed out.
    Timeout,
}

/// The span of one request (all its attempts): `graph.request` at `INFO`, with the method,
/// the URL template (never the filled-in path or the query), and, once the request is done,
/// the status of the last response and its Graph `request-id` and `client-request-id`
/// headers (those of earlier attempts are in the retry events). Neither the
/// `Authorization` header nor a body is ever recorded.
fn request_span(template: Option<&'static str>) -> Span {
    tracing::info_span!(
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
    let reason = match reason {
        RetryReason::Status if status == Some(429) => "throttled",
        RetryReason::Status => "unavailable",
        RetryReason::Connect => "connect",
        RetryReason::Timeout => "timeout",
    };
    tracing::info!(
        attempt,
        http.response.status_code = status,
        request_id = answer.and_then(|a| a.request_id.as_deref()),
        reason,
        wait = ?wait,
        retry_after = retry_after.is_some(),
        "retrying the request"
    );
}

/// Sends `operation` with `client`, or fails with [`Error::NotBound`] without one: the body
/// of the `send` methods of the request values.
pub(crate) async fn send_bound<O: Operation>(
    client: Option<&Client>,
    operation: &O,
) -> Result<O::Output, Error> {
    client.ok_or(Error::NotBound)?.execute(operation).await
}

/// Whether a failed send is worth another attempt: a connection that could not be opened
/// (the request never reached the service), or a timeout of an idempotent request (for
/// `POST` and `PATCH` the service may have acted on it already).
fn is_retryable_transport(error: &reqwest::Error, method: &Method) -> bool {
    error.is_connect() || (error.is_timeout() && method.is_idempotent())
}

/// Reads the whole response into an [`http::Response`] for [`Operation::parse_response`].
async fn read(response: reqwest::Response) -> Result<http::Response<Vec<u8>>, Error> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(transport)?;
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
}
