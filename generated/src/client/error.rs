//! [`Error`]: everything that can go wrong when the client sends a request.

use http::StatusCode;

use crate::runtime::redact::Secrets;
use crate::runtime::{BuildError, GraphError, ResponseError};

/// A boxed error from user code, such as a [`TokenSource`](super::TokenSource).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a request sent with a [`Client`](super::Client) failed.
///
/// No variant holds request headers or the access token, and transport errors keep the URL
/// without its query, so neither `Display` nor `Debug` can show a secret the client was given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or its response not received: connection refused,
    /// timeout, TLS or protocol error, or the body could not be read.
    ///
    /// `Display` says what happened ([`TransportKind`], also given by
    /// [`Error::transport_kind`]); the `reqwest` error, with the URL without its query, is the
    /// [`source`](std::error::Error::source).
    #[error("HTTP transport error: {}", TransportKind::of(.0))]
    Transport(#[source] reqwest::Error),
    /// Graph answered with an error status (its code, message and request id are in the
    /// [`GraphError`]).
    #[error(transparent)]
    Status(Box<GraphError>),
    /// The response body could not be decoded into the expected type.
    #[error("cannot decode the HTTP {status} response body at {path}: {message}")]
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// Where in the JSON the failing value is, such as `value[0].state` (`.` for the root).
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A success status without the body the operation expects (such as `204` where an
    /// entity was expected).
    #[error("unexpected HTTP {status} response; expected {expected}")]
    UnexpectedResponse {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What the operation expected.
        expected: &'static str,
    },
    /// The service kept throttling (`429`) or being unavailable (`503`), or the connection
    /// kept failing, and the [`RetryPolicy`](super::RetryPolicy) gave up: the attempt limit
    /// was reached or the next wait would have gone past the total wait budget.
    ///
    /// `Display` only counts the attempts; the last attempt's error is the
    /// [`source`](std::error::Error::source) (see the crate README on printing an error with
    /// its causes).
    #[error("gave up after {attempts} {}", if *.attempts == 1 { "attempt" } else { "attempts" })]
    RetriesExhausted {
        /// How many times the request was sent.
        attempts: u32,
        /// The outcome of the last attempt: [`Error::Status`] or [`Error::Transport`].
        #[source]
        last: Box<Error>,
    },
    /// The request could not be built (invalid URL, body that cannot be serialized); the
    /// [`BuildError`] is the [`source`](std::error::Error::source).
    #[error("cannot build the request")]
    Build(#[from] BuildError),
    /// The token source failed, or gave a token that cannot be sent in a header; its error is
    /// the [`source`](std::error::Error::source).
    #[error("cannot get an access token")]
    Token(#[source] BoxError),
    /// `send` or `stream` was called on a request whose path carries no client: build it
    /// from [`Client::v1_0`](super::Client::v1_0) or [`Client::beta`](super::Client::beta),
    /// or pass it to [`Client::execute`](super::Client::execute).
    #[error(
        "the request is not bound to a client; build it from Client::v1_0() or Client::beta(), or send it with Client::execute (a page's next_page() with Client::next_page)"
    )]
    NotBound,
    /// The request's URL is not below the client's Graph endpoint, so it was not sent (the
    /// access token is only ever sent to the configured service).
    #[error("refusing to send the access token to {origin}: not below the client's Graph endpoint")]
    ForeignUrl {
        /// The scheme, host and port of the refused URL.
        origin: String,
    },
    /// The client configuration is invalid.
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status of the response, when there was one (looking through
    /// [`Error::RetriesExhausted`]).
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Status(e) => Some(e.status),
            Self::Decode { status, .. } | Self::UnexpectedResponse { status, .. } => Some(*status),
            Self::RetriesExhausted { last, .. } => last.status(),
            Self::Transport(e) => e.status(),
            Self::Build(_)
            | Self::Token(_)
            | Self::NotBound
            | Self::ForeignUrl { .. }
            | Self::Config(_) => None,
        }
    }

    /// What went wrong in the transport, for an [`Error::Transport`] (looking through
    /// [`Error::RetriesExhausted`]).
    #[must_use]
    pub fn transport_kind(&self) -> Option<TransportKind> {
        match self {
            Self::Transport(e) => Some(TransportKind::of(e)),
            Self::RetriesExhausted { last, .. } => last.transport_kind(),
            _ => None,
        }
    }

    /// The Graph error, when the service answered with an error status (looking through
    /// [`Error::RetriesExhausted`]).
    #[must_use]
    pub fn graph_error(&self) -> Option<&GraphError> {
        match self {
            Self::Status(e) => Some(e),
            Self::RetriesExhausted { last, .. } => last.graph_error(),
            _ => None,
        }
    }
}

impl From<ResponseError> for Error {
    fn from(error: ResponseError) -> Self {
        match error {
            ResponseError::Status(e) => Self::Status(e),
            ResponseError::Decode {
                status,
                path,
                message,
            } => Self::Decode {
                status,
                path,
                message,
            },
            ResponseError::UnexpectedStatus { status, expected } => {
                Self::UnexpectedResponse { status, expected }
            }
        }
    }
}

impl Error {
    /// The error with every value of `secrets` scrubbed from what it shows: the code,
    /// message, inner error and body of a Graph error, the path and message of a decoding
    /// error, the URL of a transport error (dropped if it holds one), and the message of a
    /// token source's error (replaced by its scrubbed text if it holds one), looking through
    /// [`Error::RetriesExhausted`].
    pub(crate) fn redact(self, secrets: &Secrets) -> Self {
        if secrets.is_empty() {
            return self;
        }
        match self {
            Self::Status(mut error) => {
                error.redact(secrets);
                Self::Status(error)
            }
            Self::Decode {
                status,
                path,
                message,
            } => Self::Decode {
                status,
                path: secrets.scrub(&path).into_owned(),
                message: secrets.scrub(&message).into_owned(),
            },
            Self::RetriesExhausted { attempts, last } => Self::RetriesExhausted {
                attempts,
                last: Box::new(last.redact(secrets)),
            },
            Self::Transport(error) => {
                let shows_secret = error.url().is_some_and(|url| secrets.reveals(url.as_str()));
                if shows_secret {
                    Self::Transport(error.without_url())
                } else {
                    Self::Transport(error)
                }
            }
            Self::Token(error) => Self::Token(ScrubbedError::scrub(error, secrets)),
            other @ (Self::UnexpectedResponse { .. }
            | Self::Build(_)
            | Self::NotBound
            | Self::ForeignUrl { .. }
            | Self::Config(_)) => other,
        }
    }
}

/// What went wrong when a request could not be sent or its response not read: the words of an
/// [`Error::Transport`]'s `Display`, told from the `reqwest` error and its causes (the
/// `std::io::Error` kinds, `hyper`'s flags, a `rustls` error).
///
/// ```
/// use graph_vpptoken::client::TransportKind;
///
/// assert_eq!(TransportKind::Refused.to_string(), "connection refused");
/// assert_eq!(
///     TransportKind::BodyTimeout.to_string(),
///     "timed out while reading the response body"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name could not be resolved.
    Dns,
    /// The server refused the connection (nothing listens on the port).
    Refused,
    /// The connection could not be opened for another reason (unreachable network, ...).
    Connect,
    /// The TLS handshake failed (such as a certificate that is not trusted).
    Tls,
    /// The connection was reset (or aborted) by the other end.
    Reset,
    /// The connection was closed before a complete response was received: before its
    /// headers, or in the middle of its body.
    Closed,
    /// The timeout ran out before the response's headers came (connecting included).
    Timeout,
    /// The timeout ran out while the response body was being read.
    BodyTimeout,
    /// Anything else, such as a response that is not HTTP; the source tells more.
    Other,
}

impl TransportKind {
    /// What `error` says happened.
    #[must_use]
    pub fn of(error: &reqwest::Error) -> Self {
        let causes = Causes::of(error);
        if error.is_timeout() {
            return if error.is_body() || error.is_decode() {
                Self::BodyTimeout
            } else {
                Self::Timeout
            };
        }
        if causes.tls {
            Self::Tls
        } else if error.is_dns() {
            Self::Dns
        } else if causes.io == Some(std::io::ErrorKind::ConnectionRefused) {
            Self::Refused
        } else if matches!(
            causes.io,
            Some(
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
            )
        ) {
            Self::Reset
        } else if error.is_connect() {
            Self::Connect
        } else if causes.closed || causes.io == Some(std::io::ErrorKind::UnexpectedEof) {
            Self::Closed
        } else {
            Self::Other
        }
    }
}

/// An error whose text showed a secret: its messages, each scrubbed, in place of the error.
#[derive(Debug)]
struct ScrubbedError {
    message: String,
    source: Option<Box<ScrubbedError>>,
}

impl ScrubbedError {
    /// `error` as it was if nothing in its chain (`Display` or `Debug`) shows a secret, else
    /// its chain of scrubbed messages.
    fn scrub(error: BoxError, secrets: &Secrets) -> BoxError {
        let mut chain: Vec<&(dyn std::error::Error + 'static)> = vec![&*error];
        while let Some(next) = chain[chain.len() - 1].source() {
            chain.push(next);
        }
        let reveals = chain
            .iter()
            .any(|e| secrets.reveals(&e.to_string()) || secrets.reveals(&format!("{e:?}")));
        if !reveals {
            return error;
        }
        let scrubbed = chain.iter().rev().fold(None, |source, e| {
            Some(Box::new(ScrubbedError {
                message: secrets.scrub(&e.to_string()).into_owned(),
                source,
            }))
        });
        scrubbed.map_or(error, |e| e as BoxError)
    }
}

impl std::fmt::Display for ScrubbedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScrubbedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Dns => "could not resolve the host name",
            Self::Refused => "connection refused",
            Self::Connect => "could not connect",
            Self::Tls => "the TLS handshake failed",
            Self::Reset => "connection reset",
            Self::Closed => "connection closed before a complete response",
            Self::Timeout => "timed out before the response",
            Self::BodyTimeout => "timed out while reading the response body",
            Self::Other => "the exchange with the server failed",
        })
    }
}

/// What the causes of a `reqwest` error tell.
#[derive(Default)]
struct Causes {
    /// The kind of the first `std::io::Error`.
    io: Option<std::io::ErrorKind>,
    /// A `rustls` error.
    tls: bool,
    /// `hyper` saw the connection end before the message did.
    closed: bool,
}

impl Causes {
    fn of(error: &reqwest::Error) -> Self {
        let mut causes = Self::default();
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(e) = current {
            if e.is::<rustls::Error>() {
                causes.tls = true;
            }
            if let Some(e) = e.downcast_ref::<hyper::Error>() {
                causes.closed |= e.is_incomplete_message() || e.is_canceled() || e.is_closed();
            }
            current = match e.downcast_ref::<std::io::Error>() {
                Some(io) => {
                    causes.io.get_or_insert(io.kind());
                    // An `io::Error`'s `source` skips the error it wraps: look at that one too.
                    match io.get_ref() {
                        Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
                        None => std::error::Error::source(io),
                    }
                }
                None => e.source(),
            };
        }
        causes
    }
}

/// A transport error with the query removed from its URL (skip tokens and filters stay out
/// of logs).
pub(crate) fn transport(mut error: reqwest::Error) -> Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
        // Credentials in the URL's user info are dropped too.
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    Error::Transport(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_errors_map_one_to_one() {
        let e: Error = ResponseError::Decode {
            status: StatusCode::OK,
            path: "value[0].state".into(),
            message: "bad".into(),
        }
        .into();
        assert!(matches!(&e, Error::Decode { path, .. } if path == "value[0].state"));
        assert_eq!(e.status(), Some(StatusCode::OK));
        assert_eq!(
            e.to_string(),
            "cannot decode the HTTP 200 OK response body at value[0].state: bad"
        );

        let e: Error = ResponseError::UnexpectedStatus {
            status: StatusCode::NO_CONTENT,
            expected: "a JSON body",
        }
        .into();
        assert!(matches!(e, Error::UnexpectedResponse { .. }));

        let response = http::Response::builder()
            .status(503)
            .body(r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#)
            .unwrap();
        let status: Error =
            ResponseError::Status(Box::new(GraphError::from_response(&response))).into();
        let exhausted = Error::RetriesExhausted {
            attempts: 3,
            last: Box::new(status),
        };
        assert_eq!(exhausted.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(
            exhausted.graph_error().and_then(|g| g.code.as_deref()),
            Some("ServiceUnavailable")
        );
        assert_eq!(exhausted.to_string(), "gave up after 3 attempts");
        let last = std::error::Error::source(&exhausted).map(ToString::to_string);
        assert_eq!(
            last.as_deref(),
            Some("HTTP 503 Service Unavailable: ServiceUnavailable: busy")
        );
        assert_eq!(Error::NotBound.status(), None);
    }

    /// Every error the client can return (and those it wraps) tells each cause once: in its
    /// own `Display` or as its `source`, never both.
    #[cfg(feature = "v1_0")]
    #[tokio::test]
    async fn every_error_chain_tells_each_cause_once() {
        use super::super::sync::SyncError;
        use super::super::testing::{Fault, FaultServer, assert_each_cause_once};

        let mut errors: Vec<Box<dyn std::error::Error + 'static>> = Vec::new();
        for (kind, fault) in transport_faults() {
            let error = transport_error(fault).await;
            assert_eq!(error.transport_kind(), Some(kind), "{error:?}");
            errors.push(Box::new(error));
        }
        // Retries that run out.
        let server = FaultServer::start(vec![Fault::Close, Fault::Close]);
        let get = crate::v1_0::device_app_management().vpp_tokens();
        let client = server.client(2);
        let exhausted = client
            .v1_0()
            .device_app_management()
            .vpp_tokens()
            .by_id("1")
            .get()
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(exhausted, Error::RetriesExhausted { attempts: 2, .. }),
            "{exhausted:?}"
        );
        assert_eq!(exhausted.to_string(), "gave up after 2 attempts");
        errors.push(Box::new(exhausted));

        let response = http::Response::builder()
            .status(404)
            .body(
                r#"{"error":{"code":"NotFound","message":"gone","innerError":{"request-id":"r"}}}"#,
            )
            .unwrap();
        let graph = GraphError::from_response(&response);
        let status = || ResponseError::Status(Box::new(graph.clone()));
        let decode = || ResponseError::Decode {
            status: StatusCode::OK,
            path: "value[0].state".into(),
            message: "expected a string".into(),
        };
        let unexpected = || ResponseError::UnexpectedStatus {
            status: StatusCode::NO_CONTENT,
            expected: "a JSON body",
        };
        let builds = [
            BuildError::InvalidUrl {
                url: "http://x y".into(),
                message: "invalid uri character".into(),
            },
            BuildError::Body {
                message: "key must be a string".into(),
            },
            BuildError::InvalidKey { key: "..".into() },
            BuildError::Header {
                name: "ConsistencyLevel",
                message: "invalid header value".into(),
            },
        ];
        errors.push(Box::new(graph.clone()));
        for e in [status(), decode(), unexpected()] {
            errors.push(Box::new(Error::from(e)));
        }
        errors.push(Box::new(status()));
        errors.push(Box::new(decode()));
        errors.push(Box::new(unexpected()));
        for build in builds {
            errors.push(Box::new(Error::Build(build.clone())));
            errors.push(Box::new(build));
        }
        errors.push(Box::new(Error::Token("the vault is sealed".into())));
        errors.push(Box::new(Error::NotBound));
        errors.push(Box::new(Error::ForeignUrl {
            origin: "https://example.com".into(),
        }));
        errors.push(Box::new(Error::Config("no access token".into())));
        // A request sent without its client.
        errors.push(Box::new(get.count().send().await.unwrap_err()));

        let request = || transport_error(Fault::Close);
        errors.push(Box::new(SyncError::<()>::Failed {
            token: Box::new(()),
        }));
        errors.push(Box::new(SyncError::<()>::TimedOut {
            elapsed: std::time::Duration::from_secs(300),
            polls: 7,
            last: None,
        }));
        errors.push(Box::new(SyncError::<()>::Cancelled { last: None }));
        errors.push(Box::new(SyncError::<()>::Request {
            source: request().await,
            last: None,
        }));

        for error in &errors {
            assert_each_cause_once(error.as_ref());
        }
        // The wrappers say what failed, and their source why.
        let sync = SyncError::<()>::Request {
            source: Error::NotBound,
            last: None,
        };
        assert_eq!(sync.to_string(), "a request of the license sync failed");
        assert!(std::error::Error::source(&sync).is_some_and(|e| e.is::<Error>()));
        let build = Error::Build(BuildError::Body {
            message: "m".into(),
        });
        assert_eq!(build.to_string(), "cannot build the request");
        assert!(std::error::Error::source(&build).is_some_and(|e| e.is::<BuildError>()));
    }

    /// One fault of the server per kind of transport failure.
    #[cfg(feature = "v1_0")]
    fn transport_faults() -> Vec<(TransportKind, Option<super::super::testing::Fault>)> {
        use super::super::testing::Fault;
        const HEAD: &str =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100";
        vec![
            (TransportKind::Refused, None),
            (TransportKind::Closed, Some(Fault::Close)),
            (TransportKind::Reset, Some(Fault::Reset)),
            (
                TransportKind::Closed,
                Some(Fault::CloseInBody {
                    head: HEAD,
                    body: r#"{"id":"#,
                }),
            ),
            (
                TransportKind::Timeout,
                Some(Fault::Stall { head: "", body: "" }),
            ),
            (
                TransportKind::BodyTimeout,
                Some(Fault::Stall {
                    head: HEAD,
                    body: r#"{"id":"#,
                }),
            ),
            (TransportKind::Other, Some(Fault::Garbage)),
        ]
    }

    /// The error of a GET sent once to a server that does `fault` (`None`: nothing listens).
    #[cfg(feature = "v1_0")]
    async fn transport_error(fault: impl Into<Option<super::super::testing::Fault>>) -> Error {
        use super::super::testing::{FaultServer, fault_client, refusing_url, send_pausing};

        let get = |client: &super::super::Client| {
            client
                .v1_0()
                .device_app_management()
                .vpp_tokens()
                .by_id("1")
                .get()
        };
        let Some(fault) = fault.into() else {
            let client = fault_client(&refusing_url(), 1);
            return get(&client).send().await.unwrap_err();
        };
        let mut server = FaultServer::start(vec![fault]);
        let client = server.client(1);
        let error = send_pausing(&client, &get(&client), &mut server)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        error
    }

    #[cfg(feature = "v1_0")]
    #[tokio::test]
    async fn transport_errors_say_what_happened_and_keep_reqwests_error_as_source() {
        let expected = [
            "HTTP transport error: connection refused",
            "HTTP transport error: connection closed before a complete response",
            "HTTP transport error: connection reset",
            "HTTP transport error: connection closed before a complete response",
            "HTTP transport error: timed out before the response",
            "HTTP transport error: timed out while reading the response body",
            "HTTP transport error: the exchange with the server failed",
        ];
        for ((kind, fault), text) in transport_faults().into_iter().zip(expected) {
            let error = transport_error(fault).await;
            assert_eq!(error.to_string(), text, "{kind:?}: {error:?}");
            let source = std::error::Error::source(&error).expect("the reqwest error");
            let source = source
                .downcast_ref::<reqwest::Error>()
                .expect("a reqwest error");
            // The URL stays in the source, without its query.
            let url = source.url().expect("the URL").as_str();
            assert!(
                url.ends_with("/v1.0/deviceAppManagement/vppTokens/1"),
                "{url}"
            );
        }
    }
}
