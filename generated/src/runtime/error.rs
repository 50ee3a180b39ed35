//! Errors: Graph's error responses ([`GraphError`]), failures to read a response
//! ([`ResponseError`]) and to build a request ([`BuildError`]).
//!
//! None of these types holds request headers, so an `Authorization` value can never appear in
//! their `Debug` or `Display` output. The body of an error response is never printed (see
//! [`ErrorBody`]), and the errors of generated requests have the secrets of their API version
//! and the secret values they sent scrubbed (see [`GraphError::redact`]).

use std::fmt;

use http::StatusCode;
use http::header::RETRY_AFTER;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use super::redact::Secrets;

/// An error response from Microsoft Graph: a non-success status with, usually, a body like
/// `{"error":{"code":"…","message":"…","innerError":{"request-id":"…","date":"…"}}}`.
///
/// A body that is not JSON or has another shape still gives a `GraphError`, with `code` and
/// `message` left empty and the text in `body`.
///
/// Neither `Debug` nor `Display` shows the body: it may echo what was sent, secrets included.
/// The errors of generated requests are redacted (see [`GraphError::redact`]) before they are
/// returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// Graph's error code, such as `ResourceNotFound` or `TooManyRequests`.
    pub code: Option<String>,
    /// The human-readable error message.
    pub message: Option<String>,
    /// Diagnostic details: request ids and the time of the failure.
    pub inner_error: Option<InnerError>,
    /// The parsed `Retry-After` header, sent with 429 and 503 responses.
    pub retry_after: Option<RetryAfter>,
    /// The response body as text (invalid UTF-8 replaced), kept out of `Debug`; read it with
    /// [`ErrorBody::as_str`].
    pub body: ErrorBody,
}

/// The body of an error response, as text (invalid UTF-8 replaced).
///
/// Its `Debug` output shows only its length and whether it is JSON: a body may echo what the
/// request sent, secrets included. [`ErrorBody::as_str`] gives the text; after
/// [`GraphError::redact`] it has the secrets replaced by
/// [`REDACTED`](super::redact::REDACTED).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ErrorBody(String);

impl ErrorBody {
    /// The body's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The length of the text, in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the body is JSON.
    #[must_use]
    pub fn is_json(&self) -> bool {
        serde_json::from_str::<serde::de::IgnoredAny>(&self.0).is_ok()
    }

    /// Replaces the secrets in the body: in a JSON body the values of the secret properties
    /// (at any depth) and the sent values; in any other text the sent values, written plainly
    /// or JSON-escaped.
    fn redact(&mut self, secrets: &Secrets) {
        if secrets.is_empty() || self.0.is_empty() {
            return;
        }
        if let Ok(mut json) = serde_json::from_str::<serde_json::Value>(&self.0) {
            if secrets.redact_json(&mut json) {
                self.0 = json.to_string();
            }
            return;
        }
        // Every form of the values: as they are, JSON-escaped (text that is almost JSON) and
        // percent-encoded.
        secrets.scrub_in_place(&mut self.0);
    }
}

impl From<String> for ErrorBody {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorBody")
            .field("len", &self.0.len())
            .field("json", &self.is_json())
            .finish_non_exhaustive()
    }
}

/// The `innerError` object of a Graph error: ids to quote when asking Microsoft for support.
///
/// Read with a duplicate member refused, like every object this crate reads: an object with
/// two members of one name is not guessed at (see [`GraphError::from_response`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InnerError {
    /// The `request-id` of the failed request.
    #[serde(
        rename = "request-id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub request_id: Option<String>,
    /// The `client-request-id` the client sent, echoed back.
    #[serde(
        rename = "client-request-id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_request_id: Option<String>,
    /// When the error happened, as the service wrote it (for example `2024-01-01T00:00:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Any other members, kept as received.
    #[serde(flatten)]
    pub additional: serde_json::Map<String, serde_json::Value>,
}

impl<'de> Deserialize<'de> for InnerError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InnerErrorVisitor;

        impl<'de> serde::de::Visitor<'de> for InnerErrorVisitor {
            type Value = InnerError;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an innerError object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<InnerError, A::Error> {
                let mut inner = InnerError::default();
                let mut seen = std::collections::BTreeSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(serde::de::Error::custom(format_args!(
                            "innerError has two members named `{key}`"
                        )));
                    }
                    match key.as_str() {
                        "request-id" => inner.request_id = map.next_value()?,
                        "client-request-id" => inner.client_request_id = map.next_value()?,
                        "date" => inner.date = map.next_value()?,
                        _ => {
                            let value = map.next_value()?;
                            inner.additional.insert(key, value);
                        }
                    }
                }
                Ok(inner)
            }
        }

        deserializer.deserialize_map(InnerErrorVisitor)
    }
}

/// The wire shape of an error body.
#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorMember,
}

/// The `error` member of an error body.
#[derive(Deserialize)]
struct ErrorMember {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(rename = "innerError", alias = "innererror", default)]
    inner_error: Option<InnerError>,
}

impl GraphError {
    /// Reads the error from a response: its status, body and `Retry-After` header.
    ///
    /// This never fails; whatever cannot be read is left as `None`. A body that is not JSON,
    /// has another shape, or has a duplicate member anywhere in `error` (two `code`s, or two
    /// members of one name in `innerError`) is not read at all: `code`, `message` and
    /// `inner_error` are `None`, and the whole text, every member kept, is in `body`.
    pub fn from_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Self {
        let bytes = response.body().as_ref();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let parsed = serde_json::from_slice::<ErrorEnvelope>(bytes).ok();
        let (code, message, inner_error) = match parsed {
            Some(ErrorEnvelope { error }) => (error.code, error.message, error.inner_error),
            None => (None, None, None),
        };
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(RetryAfter::parse);
        Self {
            status: response.status(),
            code,
            message,
            inner_error,
            retry_after,
            body: ErrorBody(String::from_utf8_lossy(bytes).into_owned()),
        }
    }

    /// Replaces the secrets in the error: in the body, the values of the properties named in
    /// `secrets` (at any depth of JSON, names matched ignoring case) and the secret values the
    /// request sent; in the code, the message and the inner error, the sent values (and, in
    /// the inner error's other members, the values of secret properties). Each takes the form
    /// [`REDACTED`](super::redact::REDACTED).
    ///
    /// The errors returned by generated requests have been through this already, with the
    /// secret names of their API version and the values they sent.
    pub fn redact(&mut self, secrets: &Secrets) {
        if secrets.is_empty() {
            return;
        }
        self.body.redact(secrets);
        for text in [&mut self.code, &mut self.message].into_iter().flatten() {
            secrets.scrub_in_place(text);
        }
        if let Some(inner) = &mut self.inner_error {
            let fields = [
                &mut inner.request_id,
                &mut inner.client_request_id,
                &mut inner.date,
            ];
            for text in fields.into_iter().flatten() {
                secrets.scrub_in_place(text);
            }
            let mut additional = serde_json::Value::Object(std::mem::take(&mut inner.additional));
            secrets.redact_json(&mut additional);
            if let serde_json::Value::Object(map) = additional {
                inner.additional = map;
            }
        }
    }

    /// [`GraphError::from_response`], then [`GraphError::redact`] with `secrets`.
    pub fn from_response_redacted<B: AsRef<[u8]>>(
        response: &http::Response<B>,
        secrets: &Secrets,
    ) -> Self {
        let mut error = Self::from_response(response);
        error.redact(secrets);
        error
    }

    /// The `request-id` from the inner error, if any.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.inner_error.as_ref()?.request_id.as_deref()
    }
}

impl fmt::Display for GraphError {
    /// `HTTP 404 Not Found: ResourceNotFound: message (request-id …)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, ": {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request-id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for GraphError {}

/// The `Retry-After` header of a throttled (429) or unavailable (503) response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetryAfter {
    /// Wait this many seconds.
    Seconds(u64),
    /// Wait until this time.
    Date(OffsetDateTime),
}

impl RetryAfter {
    /// Parses the header: delta-seconds (`120`) or an HTTP-date
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`). Returns `None` for anything else.
    #[must_use]
    pub fn parse(header: &str) -> Option<Self> {
        let header = header.trim();
        if !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit()) {
            // Absurdly long numbers saturate rather than being dropped.
            return Some(Self::Seconds(header.parse().unwrap_or(u64::MAX)));
        }
        // IMF-fixdate is RFC 2822 syntax with the `GMT` zone.
        OffsetDateTime::parse(header, &Rfc2822).ok().map(Self::Date)
    }

    /// How long to wait, counted from `now`. A date in the past gives zero.
    #[must_use]
    pub fn delay_from(&self, now: OffsetDateTime) -> std::time::Duration {
        match *self {
            Self::Seconds(s) => std::time::Duration::from_secs(s),
            Self::Date(date) => {
                std::time::Duration::try_from(date - now).unwrap_or(std::time::Duration::ZERO)
            }
        }
    }
}

/// A response that could not be turned into the operation's result.
#[derive(Debug, thiserror::Error)]
pub enum ResponseError {
    /// Graph answered with an error status.
    #[error(transparent)]
    Status(Box<GraphError>),
    /// The body could not be decoded into the expected type.
    #[error("cannot decode the HTTP {status} response body at {path}: {message}")]
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// Where in the JSON the failing value is, such as `value[0].state` (`.` for the root).
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A success status without the body the operation expects (such as 204 where an entity
    /// was expected).
    #[error("unexpected HTTP {status} response; expected {expected}")]
    UnexpectedStatus {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What the operation expected.
        expected: &'static str,
    },
}

impl ResponseError {
    /// The HTTP status of the response.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Status(e) => e.status,
            Self::Decode { status, .. } | Self::UnexpectedStatus { status, .. } => *status,
        }
    }

    /// The Graph error, when the service answered with an error status.
    #[must_use]
    pub fn graph_error(&self) -> Option<&GraphError> {
        match self {
            Self::Status(e) => Some(e),
            Self::Decode { .. } | Self::UnexpectedStatus { .. } => None,
        }
    }

    /// The error with the secrets in a Graph error replaced (see [`GraphError::redact`]).
    /// A decode error quotes no value, but its path holds the property names of the response
    /// as received: a sent secret value in them (or in the message) is replaced too.
    #[must_use]
    pub fn redacted(mut self, secrets: &Secrets) -> Self {
        match &mut self {
            Self::Status(e) => e.redact(secrets),
            Self::Decode { path, message, .. } => {
                secrets.scrub_in_place(path);
                secrets.scrub_in_place(message);
            }
            Self::UnexpectedStatus { .. } => {}
        }
        self
    }
}

/// A request that could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The URL is not a valid URI.
    #[error("invalid request URL {url:?}: {message}")]
    InvalidUrl {
        /// The URL as built.
        url: String,
        /// Why it was rejected.
        message: String,
    },
    /// The body could not be serialized to JSON.
    #[error("cannot serialize the request body: {message}")]
    Body {
        /// Why serialization failed.
        message: String,
    },
    /// An entity key that cannot address one entity: empty (the path would name the
    /// collection) or `.`/`..` (read as dot-segments).
    #[error("the key {key:?} cannot address an entity")]
    InvalidKey {
        /// The key as given.
        key: String,
    },
    /// A header value is not valid.
    #[error("invalid value for the {name} header: {message}")]
    Header {
        /// The header's name.
        name: &'static str,
        /// Why the value was rejected.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    const FULL: &str = r#"{
        "error": {
            "code": "ResourceNotFound",
            "message": "The vppToken was not found.",
            "innerError": {
                "request-id": "7b3f6a1e-0000-4000-8000-000000000001",
                "date": "2024-03-05T10:11:12",
                "client-request-id": "c1d2e3f4-0000-4000-8000-000000000002",
                "extra": 1
            }
        }
    }"#;

    #[test]
    fn a_duplicate_member_leaves_the_error_unread_and_the_body_whole() {
        for body in [
            r#"{"error":{"code":"A","message":"m","innerError":{"date":"d","extra":1,"extra":2}}}"#,
            r#"{"error":{"code":"A","message":"m","innerError":{"date":"d","date":"e"}}}"#,
            r#"{"error":{"code":"A","code":"B","message":"m"}}"#,
            r#"{"error":{"code":"A"},"error":{"code":"B"}}"#,
        ] {
            let e = GraphError::from_response(&response(400, body));
            assert_eq!(
                (e.code, e.message, e.inner_error),
                (None, None, None),
                "{body}"
            );
            assert_eq!(e.body.as_str(), body);
        }
        let e = GraphError::from_response(&response(
            400,
            r#"{"error":{"code":"A","innerError":{"extra":1,"other":2}}}"#,
        ));
        assert_eq!(e.code.as_deref(), Some("A"));
        assert_eq!(e.inner_error.unwrap().additional.len(), 2);
    }

    #[test]
    fn full_graph_error_body() {
        let e = GraphError::from_response(&response(404, FULL));
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(e.code.as_deref(), Some("ResourceNotFound"));
        assert_eq!(e.message.as_deref(), Some("The vppToken was not found."));
        assert_eq!(e.request_id(), Some("7b3f6a1e-0000-4000-8000-000000000001"));
        let inner = e.inner_error.as_ref().unwrap();
        assert_eq!(
            inner.client_request_id.as_deref(),
            Some("c1d2e3f4-0000-4000-8000-000000000002")
        );
        assert_eq!(inner.date.as_deref(), Some("2024-03-05T10:11:12"));
        assert_eq!(inner.additional.get("extra"), Some(&serde_json::json!(1)));
        assert_eq!(e.retry_after, None);
        assert_eq!(e.body.as_str(), FULL);
        assert_eq!(
            e.to_string(),
            "HTTP 404 Not Found: ResourceNotFound: The vppToken was not found. \
             (request-id 7b3f6a1e-0000-4000-8000-000000000001)"
        );
    }

    #[test]
    fn lowercase_innererror_is_accepted() {
        let body = r#"{"error":{"code":"x","message":"y","innererror":{"request-id":"r"}}}"#;
        let e = GraphError::from_response(&response(400, body));
        assert_eq!(e.request_id(), Some("r"));
        assert_eq!(e.to_string(), "HTTP 400 Bad Request: x: y (request-id r)");
    }

    #[test]
    fn non_json_body() {
        let e = GraphError::from_response(&response(502, "<html>Bad gateway</html>"));
        assert_eq!(e.status, StatusCode::BAD_GATEWAY);
        assert_eq!((e.code, e.message, e.inner_error), (None, None, None));
        assert_eq!(e.body.as_str(), "<html>Bad gateway</html>");
        let e = GraphError::from_response(&response(500, r#"{"odata.error":{}}"#));
        assert_eq!(e.code, None);
        assert_eq!(e.to_string(), "HTTP 500 Internal Server Error");
        let e = GraphError::from_response(&response(500, ""));
        assert_eq!(e.body.as_str(), "");
    }

    #[test]
    fn retry_after_seconds_header() {
        let r = http::Response::builder()
            .status(429)
            .header("Retry-After", "30")
            .body(r#"{"error":{"code":"TooManyRequests","message":"Slow down"}}"#)
            .unwrap();
        let e = GraphError::from_response(&r);
        assert_eq!(e.retry_after, Some(RetryAfter::Seconds(30)));
        assert_eq!(e.code.as_deref(), Some("TooManyRequests"));
        assert_eq!(
            e.retry_after
                .unwrap()
                .delay_from(datetime!(2024-01-01 00:00 UTC)),
            std::time::Duration::from_secs(30)
        );
    }

    #[test]
    fn retry_after_http_date() {
        let r = RetryAfter::parse("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(r, RetryAfter::Date(datetime!(1994-11-06 08:49:37 UTC)));
        assert_eq!(
            r.delay_from(datetime!(1994-11-06 08:48:00 UTC)),
            std::time::Duration::from_secs(97)
        );
        assert_eq!(
            r.delay_from(datetime!(1994-11-06 09:00:00 UTC)),
            std::time::Duration::ZERO
        );
        assert_eq!(RetryAfter::parse(" 5 "), Some(RetryAfter::Seconds(5)));
        assert_eq!(RetryAfter::parse("-5"), None);
        assert_eq!(RetryAfter::parse(""), None);
        assert_eq!(RetryAfter::parse("soon"), None);
    }

    #[test]
    fn response_error_accessors_and_messages() {
        let e = ResponseError::Status(Box::new(GraphError::from_response(&response(404, FULL))));
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        assert!(e.graph_error().is_some());
        assert!(
            e.to_string()
                .starts_with("HTTP 404 Not Found: ResourceNotFound")
        );
        let e = ResponseError::Decode {
            status: StatusCode::OK,
            path: "value[0].state".into(),
            message: "bad".into(),
        };
        assert_eq!(
            e.to_string(),
            "cannot decode the HTTP 200 OK response body at value[0].state: bad"
        );
        let e = ResponseError::UnexpectedStatus {
            status: StatusCode::NO_CONTENT,
            expected: "a JSON body",
        };
        assert_eq!(
            e.to_string(),
            "unexpected HTTP 204 No Content response; expected a JSON body"
        );
    }
}
