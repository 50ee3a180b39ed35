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
    #[error("HTTP transport error: {0}")]
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
    #[error("gave up after {attempts} attempt(s): {last}")]
    RetriesExhausted {
        /// How many times the request was sent.
        attempts: u32,
        /// The outcome of the last attempt: [`Error::Status`] or [`Error::Transport`].
        last: Box<Error>,
    },
    /// The request could not be built (invalid URL, body that cannot be serialized).
    #[error("cannot build the request: {0}")]
    Build(#[from] BuildError),
    /// The token source failed, or gave a token that cannot be sent in a header.
    #[error("cannot get an access token: {0}")]
    Token(#[source] BoxError),
    /// `send` or `stream` was called on a request whose path carries no client: build it
    /// from [`Client::v1_0`](super::Client::v1_0) or [`Client::beta`](super::Client::beta),
    /// or pass it to [`Client::execute`](super::Client::execute).
    #[error(
        "the request is not bound to a client; build it from Client::v1_0() or Client::beta(), or use Client::execute"
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
        assert_eq!(
            exhausted.to_string(),
            "gave up after 3 attempt(s): HTTP 503 Service Unavailable: ServiceUnavailable: busy"
        );
        assert_eq!(Error::NotBound.status(), None);
    }
}
