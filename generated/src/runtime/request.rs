//! Request and response plumbing: the [`Operation`] trait, URL building ([`RequestPath`],
//! [`QueryOptions`], OData literals), JSON bodies, and the response parsers that generated
//! operations call.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::collection::Collection;
use super::datetime::DateTimeOffset;
use super::error::{BuildError, GraphError, ResponseError};
use super::redact::{self, Secrets};

/// A request to Graph, independent of any HTTP client.
///
/// It renders an [`http::Request`] (which can be done again, for a retry) and turns the
/// [`http::Response`] into the typed result.
pub trait Operation {
    /// The result of a successful response.
    type Output;

    /// Renders the HTTP request: method, URL, headers and body (whose `Debug` output does not
    /// show its bytes, see [`RequestBody`]).
    ///
    /// # Errors
    /// Returns a [`BuildError`] when the URL is invalid or the body could not be serialized.
    fn to_request(&self) -> Result<Request<RequestBody>, BuildError>;

    /// Reads the response to the request.
    ///
    /// # Errors
    /// Returns [`ResponseError::Status`] for an error status, with the [`Self::secrets`]
    /// replaced (see [`GraphError::redact`]), and the other variants when the response does
    /// not have the expected form.
    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError>;

    /// The secrets to keep out of the errors of this request: the secret property names of
    /// its API version and the secret values its body sends. None by default.
    fn secrets(&self) -> Secrets {
        Secrets::default()
    }

    /// The URL template of the request, relative to the service root, with its keys and
    /// parameters as placeholders and without the query, such as
    /// `/deviceAppManagement/vppTokens/{vppToken-id}`: what a log may show of the URL (the
    /// filled-in path and the query may name things that should stay out of logs). `None`
    /// (the default) when the request does not know it.
    ///
    /// The generated request builders give it to every request they make (see
    /// [`RequestPath::with_template`]).
    fn path_template(&self) -> Option<&'static str> {
        None
    }
}

/// Everything except the unreserved characters `A-Z a-z 0-9 - . _ ~`.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Like [`PATH_SEGMENT`], but keeps the `'` that quotes OData string literals.
const FUNCTION_LITERAL: &AsciiSet = &PATH_SEGMENT.remove(b'\'');

/// Characters encoded in a query option value: controls, space, non-ASCII (always), and those
/// that end or split a query component or are not allowed in a URI.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'=')
    .add(b'?')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'[')
    .add(b']')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// A service root and a percent-encoded resource path below it, such as
/// `https://graph.microsoft.com/v1.0` + `/deviceAppManagement/vppTokens/{id}`.
///
/// Each method returns a new path; the service root is shared, so cloning is cheap.
///
/// ```
/// use graph_vpptoken::runtime::RequestPath;
///
/// let path = RequestPath::new("https://graph.microsoft.com/v1.0/")
///     .segment("deviceAppManagement")
///     .segment("vppTokens")
///     .key("a/b c");
/// assert_eq!(
///     path.url(),
///     "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens/a%2Fb%20c"
/// );
/// ```
#[derive(Clone)]
#[cfg_attr(not(feature = "client"), derive(Debug, PartialEq, Eq))]
pub struct RequestPath {
    base: Arc<str>,
    path: String,
    /// A key that cannot address one entity (empty, `.` or `..`), reported by [`Self::check`].
    invalid_key: Option<Arc<str>>,
    /// The secret property names of the API version (see [`Self::with_secret_names`]).
    secret_names: &'static [&'static str],
    /// The URL template of the requests made on this path (see [`Self::with_template`]).
    template: Option<&'static str>,
    /// The client that sends requests on this path, if any; not part of equality or `Debug`.
    #[cfg(feature = "client")]
    client: Option<crate::client::Client>,
}

#[cfg(feature = "client")]
impl fmt::Debug for RequestPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestPath")
            .field("base", &self.base)
            .field("path", &self.path)
            .field("template", &self.template)
            .finish()
    }
}

#[cfg(feature = "client")]
impl PartialEq for RequestPath {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base
            && self.path == other.path
            && self.invalid_key == other.invalid_key
            && self.secret_names == other.secret_names
            && self.template == other.template
    }
}

#[cfg(feature = "client")]
impl Eq for RequestPath {}

#[cfg(feature = "client")]
impl RequestPath {
    /// The same path, carrying `client`: the requests made from it (and from the paths and
    /// builders derived from it) can be sent with their `send` methods.
    #[must_use]
    pub fn with_client(mut self, client: crate::client::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// The client this path carries, if any.
    #[must_use]
    pub fn client(&self) -> Option<&crate::client::Client> {
        self.client.as_ref()
    }
}

impl RequestPath {
    /// A path at `service_root`, the URL of an API version such as
    /// `https://graph.microsoft.com/v1.0` (a trailing `/` is removed).
    pub fn new(service_root: impl Into<Arc<str>>) -> Self {
        let base: Arc<str> = service_root.into();
        let base = match base.strip_suffix('/') {
            Some(trimmed) => Arc::from(trimmed.trim_end_matches('/')),
            None => base,
        };
        Self {
            base,
            path: String::new(),
            invalid_key: None,
            secret_names: &[],
            template: None,
            #[cfg(feature = "client")]
            client: None,
        }
    }

    /// The same path, for an API version whose secret properties have these wire names (a
    /// version module's `SECRET_NAMES`): the errors of requests on it (and on the paths
    /// derived from it) have their values replaced (see [`Operation::secrets`]).
    #[must_use]
    pub fn with_secret_names(mut self, names: &'static [&'static str]) -> Self {
        self.secret_names = names;
        self
    }

    /// The secret property names of the API version (empty unless set with
    /// [`Self::with_secret_names`]).
    #[must_use]
    pub fn secret_names(&self) -> &'static [&'static str] {
        self.secret_names
    }

    /// The same path, for requests whose URL template (relative to the service root, keys
    /// and parameters as placeholders, no query) is `template`, such as
    /// `/deviceAppManagement/vppTokens/{vppToken-id}`. The request values made on it report
    /// it as their [`Operation::path_template`]; the paths derived from this one (with
    /// [`Self::segment`], [`Self::key`] or [`Self::function`]) have none.
    ///
    /// ```
    /// use graph_vpptoken::runtime::RequestPath;
    ///
    /// let path = RequestPath::new("https://graph.microsoft.com/v1.0")
    ///     .segment("deviceAppManagement")
    ///     .segment("vppTokens")
    ///     .key("8f3e0b6a")
    ///     .with_template("/deviceAppManagement/vppTokens/{vppToken-id}");
    /// assert_eq!(path.template(), Some("/deviceAppManagement/vppTokens/{vppToken-id}"));
    /// assert_eq!(path.segment("syncLicenses").template(), None);
    /// ```
    #[must_use]
    pub fn with_template(mut self, template: &'static str) -> Self {
        self.template = Some(template);
        self
    }

    /// The URL template set with [`Self::with_template`], if any.
    #[must_use]
    pub fn template(&self) -> Option<&'static str> {
        self.template
    }

    /// Appends `/literal` as written: for names such as `deviceAppManagement`, `$count` or
    /// `microsoft.graph.iosVppApp`, which need no encoding.
    #[must_use]
    pub fn segment(&self, literal: &str) -> Self {
        self.with(|path| {
            path.push('/');
            path.push_str(literal);
        })
    }

    /// Appends an entity key as one path segment, percent-encoding everything except the
    /// unreserved characters, so that `/`, `?`, `#`, `%`, `'` or spaces in the key can neither
    /// split nor end the path.
    ///
    /// An empty key (which would address the collection) and the keys `.` and `..` (which
    /// URL normalizers read as dot-segments) cannot address one entity: requests on such a
    /// path fail to render with [`BuildError::InvalidKey`] (see [`Self::check`]).
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut next = self.with(|path| {
            path.push('/');
            path.extend(utf8_percent_encode(key, PATH_SEGMENT));
        });
        if matches!(key, "" | "." | "..") && next.invalid_key.is_none() {
            next.invalid_key = Some(Arc::from(key));
        }
        next
    }

    /// Whether requests can be rendered on this path.
    ///
    /// # Errors
    /// [`BuildError::InvalidKey`] when a key on the path cannot address one entity.
    pub fn check(&self) -> Result<(), BuildError> {
        match &self.invalid_key {
            Some(key) => Err(BuildError::InvalidKey {
                key: key.to_string(),
            }),
            None => Ok(()),
        }
    }

    /// Appends a function call `/name(p1=lit1,p2=lit2)`, each argument an OData literal (see
    /// [`ODataLiteral`]). The literals are percent-encoded except for unreserved characters and
    /// the `'` quotes, so that `'it''s'` stays readable.
    #[must_use]
    pub fn function(&self, name: &str, args: &[(&str, String)]) -> Self {
        self.with(|path| {
            path.push('/');
            path.push_str(name);
            path.push('(');
            for (i, (param, literal)) in args.iter().enumerate() {
                if i > 0 {
                    path.push(',');
                }
                path.push_str(param);
                path.push('=');
                path.extend(utf8_percent_encode(literal, FUNCTION_LITERAL));
            }
            path.push(')');
        })
    }

    /// The full URL: service root and path.
    #[must_use]
    pub fn url(&self) -> String {
        let mut url = String::with_capacity(self.base.len() + self.path.len());
        url.push_str(&self.base);
        url.push_str(&self.path);
        url
    }

    /// The encoded path below the service root, starting with `/` (empty at the root).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The service root: the URL of the API version, such as
    /// `https://graph.microsoft.com/v1.0`.
    #[must_use]
    pub fn service_root(&self) -> &str {
        &self.base
    }

    /// The service root, under its former name.
    #[deprecated(note = "renamed to `service_root`")]
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.service_root()
    }

    fn with(&self, append: impl FnOnce(&mut String)) -> Self {
        let mut path = self.path.clone();
        append(&mut path);
        Self {
            base: Arc::clone(&self.base),
            path,
            invalid_key: self.invalid_key.clone(),
            secret_names: self.secret_names,
            template: None,
            #[cfg(feature = "client")]
            client: self.client.clone(),
        }
    }
}

/// Quotes `s` as an OData string literal: `'…'` with every `'` doubled.
///
/// ```
/// assert_eq!(graph_vpptoken::runtime::request::odata_string_literal("it's"), "'it''s'");
/// ```
#[must_use]
pub fn odata_string_literal(s: &str) -> String {
    let mut literal = String::with_capacity(s.len() + 2);
    literal.push('\'');
    for c in s.chars() {
        if c == '\'' {
            literal.push('\'');
        }
        literal.push(c);
    }
    literal.push('\'');
    literal
}

/// A value that can be written as an OData literal in a function call or `$filter`.
pub trait ODataLiteral {
    /// The literal, not yet percent-encoded: `'text'`, `true`, `42`,
    /// `2016-12-31T23:57:57.2481234-08:00`.
    fn to_odata_literal(&self) -> String;
}

impl ODataLiteral for str {
    fn to_odata_literal(&self) -> String {
        odata_string_literal(self)
    }
}

impl ODataLiteral for String {
    fn to_odata_literal(&self) -> String {
        odata_string_literal(self)
    }
}

impl ODataLiteral for bool {
    fn to_odata_literal(&self) -> String {
        self.to_string()
    }
}

impl ODataLiteral for i32 {
    fn to_odata_literal(&self) -> String {
        self.to_string()
    }
}

impl ODataLiteral for i64 {
    fn to_odata_literal(&self) -> String {
        self.to_string()
    }
}

impl ODataLiteral for DateTimeOffset {
    fn to_odata_literal(&self) -> String {
        self.to_string()
    }
}

impl<T: ODataLiteral + ?Sized> ODataLiteral for &T {
    fn to_odata_literal(&self) -> String {
        (**self).to_odata_literal()
    }
}

/// OData system query options for list and get requests.
///
/// ```
/// use graph_vpptoken::runtime::QueryOptions;
///
/// let options = QueryOptions {
///     select: vec!["id", "state"],
///     filter: Some("state eq 'valid'".into()),
///     top: Some(5),
///     ..QueryOptions::default()
/// };
/// let mut url = String::from("https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens");
/// options.append_to(&mut url);
/// assert!(url.ends_with("vppTokens?$select=id,state&$filter=state%20eq%20'valid'&$top=5"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryOptions {
    /// `$select`: the properties to return (wire names).
    pub select: Vec<&'static str>,
    /// `$expand`: related entities to include.
    pub expand: Vec<String>,
    /// `$filter`: an OData filter expression.
    pub filter: Option<String>,
    /// `$search`: a search expression.
    pub search: Option<String>,
    /// `$orderby`: items such as `displayName desc`.
    pub order_by: Vec<String>,
    /// `$top`: the page size.
    pub top: Option<u32>,
    /// `$skip`: the number of items to skip.
    pub skip: Option<u32>,
    /// `$count`: whether to include `@odata.count`.
    pub count: Option<bool>,
}

impl QueryOptions {
    /// Whether no option is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Appends the set options to `url` as a query string, in the order `$select`, `$expand`,
    /// `$filter`, `$search`, `$orderby`, `$top`, `$skip`, `$count`, starting with `?` (or `&`
    /// if `url` already has a query). Values are percent-encoded for a query component; `$`,
    /// `,`, `'`, `(`, `)`, `:` and `/` stay as written.
    pub fn append_to(&self, url: &mut String) {
        let mut first = !url.contains('?');
        let mut option = |url: &mut String, name: &str| {
            url.push(if first { '?' } else { '&' });
            first = false;
            url.push_str(name);
            url.push('=');
        };
        let list = |url: &mut String, items: &mut dyn Iterator<Item = &str>| {
            for (i, item) in items.enumerate() {
                if i > 0 {
                    url.push(',');
                }
                url.extend(utf8_percent_encode(item, QUERY_VALUE));
            }
        };
        if !self.select.is_empty() {
            option(url, "$select");
            list(url, &mut self.select.iter().copied());
        }
        if !self.expand.is_empty() {
            option(url, "$expand");
            list(url, &mut self.expand.iter().map(String::as_str));
        }
        if let Some(filter) = &self.filter {
            option(url, "$filter");
            url.extend(utf8_percent_encode(filter, QUERY_VALUE));
        }
        if let Some(search) = &self.search {
            option(url, "$search");
            url.extend(utf8_percent_encode(search, QUERY_VALUE));
        }
        if !self.order_by.is_empty() {
            option(url, "$orderby");
            list(url, &mut self.order_by.iter().map(String::as_str));
        }
        if let Some(top) = self.top {
            option(url, "$top");
            url.push_str(&top.to_string());
        }
        if let Some(skip) = self.skip {
            option(url, "$skip");
            url.push_str(&skip.to_string());
        }
        if let Some(count) = self.count {
            option(url, "$count");
            url.push_str(if count { "true" } else { "false" });
        }
    }
}

/// A JSON request body, serialized once when the request value is built so that the request
/// can be rendered again (for a retry) without serializing again.
///
/// Its `Debug` output shows only the length, since bodies may hold secrets.
#[derive(Clone)]
pub struct JsonBody {
    bytes: Result<Vec<u8>, BuildError>,
}

impl JsonBody {
    /// Serializes `value`; a failure is kept and reported by [`JsonBody::bytes`].
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Self {
        Self {
            bytes: serde_json::to_vec(value).map_err(|e| BuildError::Body {
                message: e.to_string(),
            }),
        }
    }

    /// The serialized JSON.
    ///
    /// # Errors
    /// Returns [`BuildError::Body`] when the value could not be serialized.
    pub fn bytes(&self) -> Result<&[u8], BuildError> {
        self.bytes.as_deref().map_err(Clone::clone)
    }
}

impl fmt::Debug for JsonBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.bytes {
            Ok(bytes) => f
                .debug_struct("JsonBody")
                .field("len", &bytes.len())
                .finish(),
            Err(e) => f.debug_struct("JsonBody").field("error", e).finish(),
        }
    }
}

/// The body of a rendered request: the bytes to send.
///
/// It dereferences to (and is [`AsRef`]) `[u8]`; its `Debug` output shows only the length, so
/// that printing a rendered [`http::Request`] cannot show a secret it sends.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestBody(Vec<u8>);

impl RequestBody {
    /// The bytes, for a client that takes ownership of them.
    #[must_use]
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl std::ops::Deref for RequestBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for RequestBody {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for RequestBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<RequestBody> for Vec<u8> {
    fn from(body: RequestBody) -> Self {
        body.0
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBody")
            .field("len", &self.0.len())
            .finish()
    }
}

/// The media type of JSON.
fn application_json() -> HeaderValue {
    HeaderValue::from_static("application/json")
}

/// Builds a request with `Accept: application/json` and, when there is a body,
/// `Content-Type: application/json`.
///
/// # Errors
/// [`BuildError::InvalidUrl`] when `url` is not a valid URI; [`BuildError::Body`] when the body
/// could not be serialized.
pub fn build(
    method: Method,
    url: String,
    body: Option<&JsonBody>,
) -> Result<Request<RequestBody>, BuildError> {
    let bytes = match body {
        Some(body) => Some(body.bytes()?.to_vec()),
        None => None,
    };
    let mut request = request(method, url, application_json())?;
    if let Some(bytes) = bytes {
        request
            .headers_mut()
            .insert(CONTENT_TYPE, application_json());
        *request.body_mut() = RequestBody(bytes);
    }
    Ok(request)
}

/// Builds a request without a body that accepts `accept`, such as `text/plain` for `$count`.
///
/// # Errors
/// [`BuildError::InvalidUrl`] when `url` is not a valid URI; [`BuildError::Header`] when
/// `accept` is not a valid header value.
pub fn build_text(
    method: Method,
    url: String,
    accept: &'static str,
) -> Result<Request<RequestBody>, BuildError> {
    let accept = HeaderValue::from_str(accept).map_err(|e| BuildError::Header {
        name: "Accept",
        message: e.to_string(),
    })?;
    request(method, url, accept)
}

fn request(
    method: Method,
    url: String,
    accept: HeaderValue,
) -> Result<Request<RequestBody>, BuildError> {
    let uri = http::Uri::try_from(url.as_str()).map_err(|e| BuildError::InvalidUrl {
        message: e.to_string(),
        url,
    })?;
    let mut request = Request::new(RequestBody::default());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    request.headers_mut().insert(ACCEPT, accept);
    Ok(request)
}

/// Checks for a success (2xx) status; anything else becomes [`ResponseError::Status`].
fn check_status<B: AsRef<[u8]>>(response: &Response<B>) -> Result<(), ResponseError> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(ResponseError::Status(Box::new(GraphError::from_response(
            response,
        ))))
    }
}

/// The body without a UTF-8 byte order mark.
fn body_bytes<B: AsRef<[u8]>>(response: &Response<B>) -> &[u8] {
    let bytes = response.body().as_ref();
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Whether the response carries no content: status 204 or a blank body.
fn is_empty<B: AsRef<[u8]>>(response: &Response<B>) -> bool {
    response.status() == StatusCode::NO_CONTENT
        || body_bytes(response).iter().all(u8::is_ascii_whitespace)
}

/// Decodes JSON, reporting the path of the failing value and what was expected, but never the
/// value itself (see [`redact::decode_message`]).
fn decode<T: DeserializeOwned>(status: StatusCode, bytes: &[u8]) -> Result<T, ResponseError> {
    decode_slice(bytes).map_err(|(path, message)| ResponseError::Decode {
        status,
        path,
        message,
    })
}

/// Decodes a JSON body (skipping a UTF-8 byte order mark) as `T`; on failure the JSON path of
/// the failing value (`.` for the body itself) and the message. A syntax error inside an
/// object (a missing member name, an unclosed brace) is reported at the object; the message
/// gives the line and column.
pub(crate) fn decode_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = known_path(e.path());
        let message = redact::decode_message(e.inner());
        // A property of a polymorphic value is decoded once the object has been read: put it
        // back into the path.
        match super::json::split_deferred(&message) {
            Some((key, rest)) if path == "." => (key.to_owned(), rest.to_owned()),
            Some((key, rest)) => (format!("{path}.{key}"), rest.to_owned()),
            None => (path, message),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| (".".to_owned(), redact::decode_message(&e)))?;
    Ok(value)
}

/// A path without its trailing unknown segments (`?`, where the error came before a member
/// name was read); `.` when nothing is left.
fn known_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let known = segments
        .iter()
        .rposition(|s| !matches!(s, Segment::Unknown))
        .map_or(0, |i| i + 1);
    if known == segments.len() {
        return path.to_string();
    }
    let mut out = String::new();
    for segment in &segments[..known] {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

/// Parses a 2xx response with a JSON body into `T`.
///
/// # Errors
/// [`ResponseError::Status`] for an error status, [`ResponseError::UnexpectedStatus`] for 204
/// or an empty body, [`ResponseError::Decode`] (with the JSON path) for a body that does not
/// match `T`.
pub fn parse_json<T: DeserializeOwned, B: AsRef<[u8]>>(
    response: &Response<B>,
) -> Result<T, ResponseError> {
    check_status(response)?;
    if is_empty(response) {
        return Err(ResponseError::UnexpectedStatus {
            status: response.status(),
            expected: "a JSON body",
        });
    }
    decode(response.status(), body_bytes(response))
}

/// Parses a 2xx response that may or may not have a JSON body (such as an update answered with
/// 200 and the entity, or with 204).
///
/// # Errors
/// [`ResponseError::Status`] for an error status, [`ResponseError::Decode`] for a body that
/// does not match `T`.
pub fn parse_json_or_empty<T: DeserializeOwned, B: AsRef<[u8]>>(
    response: &Response<B>,
) -> Result<Option<T>, ResponseError> {
    check_status(response)?;
    if is_empty(response) {
        return Ok(None);
    }
    decode(response.status(), body_bytes(response)).map(Some)
}

/// A generated model type (an entity or complex type, or a polymorphic union of them): what the
/// parsers of single-value responses need to know about it.
///
/// Graph returns a single entity as a bare object, but some documentation shows it wrapped as
/// `{"value": {…}}`. A type without a property of its own named `value` reads such a wrapper
/// as the object inside it, as [`parse_single`] describes; a type with one reads every body
/// as itself, since `value` is then one of its properties. The generator implements this trait
/// for every model type and knows which have such a property.
pub trait Model: DeserializeOwned {
    /// Whether the type has a property named `value` (for a union: whether any of its types
    /// has one). `false` unless the generated implementation says otherwise.
    const HAS_VALUE_PROPERTY: bool = false;
}

/// Any JSON: read as it is, since any object may have a `value` member.
impl Model for serde_json::Value {
    const HAS_VALUE_PROPERTY: bool = true;
}

/// Whether an object member's name is an instance annotation (`@odata.context`,
/// `@odata.type`, `displayName@odata.type`, `@microsoft.graph.tips`) rather than a property:
/// it contains `@`.
#[must_use]
pub fn is_annotation(name: &str) -> bool {
    name.contains('@')
}

/// The shape of a body that should hold one value.
enum Single<'a> {
    /// Anything but a `{"value": …}` wrapper: read as the value itself.
    Bare,
    /// `{"value": {…}}`: the object inside.
    Wrapped(&'a serde_json::value::RawValue),
    /// `{"value": […]}`: a collection response.
    Collection,
}

/// Tells a `{"value": {…}}` or `{"value": […]}` wrapper apart from a bare value: an object whose
/// `value` member is an object or an array and whose other members are all annotations (see
/// [`is_annotation`]). The `check_payload` example splits bodies by the same rule.
fn single_shape(bytes: &[u8]) -> Single<'_> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Single::Bare;
    }
    // A body that is not valid JSON, or not an object of unique members, is left to the
    // decoder, which reports it with its path.
    let Ok(Members(members)) = serde_json::from_slice::<Members<'_>>(bytes) else {
        return Single::Bare;
    };
    let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_ref()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1])
        || !names.iter().all(|k| *k == "value" || is_annotation(k))
    {
        return Single::Bare;
    }
    let Some(value) = members.iter().find(|(k, _)| k == "value").map(|(_, v)| *v) else {
        return Single::Bare;
    };
    match value.get().as_bytes().first() {
        Some(b'{') => Single::Wrapped(value),
        Some(b'[') => Single::Collection,
        _ => Single::Bare,
    }
}

/// The members of a JSON object, in order, each as its raw text.
struct Members<'a>(Vec<(std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue)>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Decodes a body that should hold one `T`, unwrapping `{"value": {…}}` for a type without a
/// property named `value` (see [`Model`]).
fn decode_single<T: Model>(status: StatusCode, bytes: &[u8]) -> Result<T, ResponseError> {
    if T::HAS_VALUE_PROPERTY {
        return decode(status, bytes);
    }
    match single_shape(bytes) {
        Single::Bare => decode(status, bytes),
        Single::Wrapped(inner) => {
            decode_slice(inner.get().as_bytes()).map_err(|(path, message)| ResponseError::Decode {
                status,
                path: if path == "." {
                    "value".to_owned()
                } else if path.starts_with('[') {
                    format!("value{path}")
                } else {
                    format!("value.{path}")
                },
                message,
            })
        }
        Single::Collection => Err(ResponseError::Decode {
            status,
            path: "value".to_owned(),
            message: "a collection (`{\"value\": [...]}`) where a single value was expected"
                .to_owned(),
        }),
    }
}

/// Parses a 2xx response whose JSON body holds one entity or complex value.
///
/// The body is normally the bare object. For a type without a property named `value` (see
/// [`Model`]), an object whose `value` member is an object and whose other members are
/// annotations (`{"value": {…}, "@odata.context": "…"}`, as some documentation shows single
/// entities) is read as the object inside it; one whose `value` is an array (a collection) is
/// refused with [`ResponseError::Decode`] at path `value`. For a type with such a property
/// the body is always read as the value itself.
///
/// # Errors
/// As [`parse_json`]; a decode error inside a wrapper has a path starting with `value`.
pub fn parse_single<T: Model, B: AsRef<[u8]>>(response: &Response<B>) -> Result<T, ResponseError> {
    check_status(response)?;
    if is_empty(response) {
        return Err(ResponseError::UnexpectedStatus {
            status: response.status(),
            expected: "a JSON body",
        });
    }
    decode_single(response.status(), body_bytes(response))
}

/// Parses a 2xx response that may hold one entity or complex value or no content (`204` or an
/// empty body), such as an update or an action that returns its entity. A body is read as
/// [`parse_single`] reads it.
///
/// # Errors
/// As [`parse_json_or_empty`].
pub fn parse_single_or_empty<T: Model, B: AsRef<[u8]>>(
    response: &Response<B>,
) -> Result<Option<T>, ResponseError> {
    check_status(response)?;
    if is_empty(response) {
        return Ok(None);
    }
    decode_single(response.status(), body_bytes(response)).map(Some)
}

/// Accepts any 2xx response, ignoring the body.
///
/// # Errors
/// [`ResponseError::Status`] for an error status.
pub fn parse_empty<B: AsRef<[u8]>>(response: &Response<B>) -> Result<(), ResponseError> {
    check_status(response)
}

/// Parses the `text/plain` integer of a `$count` response.
///
/// # Errors
/// [`ResponseError::Status`] for an error status, [`ResponseError::Decode`] when the body is
/// not a non-negative integer.
pub fn parse_count<B: AsRef<[u8]>>(response: &Response<B>) -> Result<u64, ResponseError> {
    check_status(response)?;
    let decode_error = |message: String| ResponseError::Decode {
        status: response.status(),
        path: ".".to_owned(),
        message,
    };
    let text = std::str::from_utf8(body_bytes(response))
        .map_err(|e| decode_error(format!("the count is not UTF-8: {e}")))?
        .trim();
    // The text is not quoted: the message names what was expected, never the value.
    text.parse()
        .map_err(|e| decode_error(format!("the count is not a non-negative integer: {e}")))
}

/// The request for the next page of a collection: a GET on its `@odata.nextLink`.
pub struct NextPage<T> {
    url: String,
    item: PhantomData<fn() -> T>,
    secret_names: &'static [&'static str],
    /// The URL template of the collection (see [`NextPage::with_template`]).
    template: Option<&'static str>,
    /// The client that sends the request, if any; not part of `Debug`.
    #[cfg(feature = "client")]
    client: Option<crate::client::Client>,
}

impl<T> NextPage<T> {
    /// The request for the page at `url`, an absolute `@odata.nextLink`.
    #[must_use]
    pub fn new(url: String) -> Self {
        Self {
            url,
            item: PhantomData,
            secret_names: &[],
            template: None,
            #[cfg(feature = "client")]
            client: None,
        }
    }

    /// The same request, for an API version whose secret properties have these wire names
    /// (see [`RequestPath::with_secret_names`]).
    #[must_use]
    pub fn with_secret_names(mut self, names: &'static [&'static str]) -> Self {
        self.secret_names = names;
        self
    }

    /// The same request, reporting `template` as its [`Operation::path_template`]: the URL
    /// template of the collection whose page it reads (its URL, the next link, holds a skip
    /// token in its query that logs should not show).
    #[must_use]
    pub fn with_template(mut self, template: &'static str) -> Self {
        self.template = Some(template);
        self
    }

    /// The URL of the page.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl<T> Clone for NextPage<T> {
    fn clone(&self) -> Self {
        Self {
            url: self.url.clone(),
            item: PhantomData,
            secret_names: self.secret_names,
            template: self.template,
            #[cfg(feature = "client")]
            client: self.client.clone(),
        }
    }
}

#[cfg(feature = "client")]
impl<T> NextPage<T> {
    /// The same request, carrying `client` so that [`NextPage::send`] can send it.
    /// [`Collection::next_page`] has no client; [`crate::client::Client::next_page`] binds one.
    #[must_use]
    pub fn with_client(mut self, client: crate::client::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// The client this request carries, if any.
    #[must_use]
    pub fn client(&self) -> Option<&crate::client::Client> {
        self.client.as_ref()
    }
}

#[cfg(feature = "client")]
impl<T: DeserializeOwned> NextPage<T> {
    /// Sends the request with the client it carries and reads the page.
    ///
    /// # Errors
    /// [`crate::client::Error::NotBound`] when the request carries no client (see
    /// [`NextPage::with_client`]), else as [`crate::client::Client::execute`].
    pub async fn send(&self) -> Result<Collection<T>, crate::client::Error> {
        crate::client::send_bound(self.client.as_ref(), self).await
    }
}

/// Without the cargo feature `client`: a call of `send` fails to compile with a message naming
/// the feature (see `crate::feature_hints`).
#[cfg(not(feature = "client"))]
impl<T: DeserializeOwned> NextPage<T> {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: crate::feature_hints::ClientFeature,
    {
        <&'a Self as crate::feature_hints::ClientFeature>::unavailable()
    }
}

impl<T> fmt::Debug for NextPage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NextPage").field("url", &self.url).finish()
    }
}

impl<T: DeserializeOwned> Operation for NextPage<T> {
    type Output = Collection<T>;

    fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
        build(Method::GET, self.url.clone(), None)
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError> {
        parse_json(response).map_err(|e| e.redacted(&self.secrets()))
    }

    fn secrets(&self) -> Secrets {
        Secrets::new(self.secret_names)
    }

    fn path_template(&self) -> Option<&'static str> {
        self.template
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "https://graph.microsoft.com/v1.0";

    /// A model without a property named `value`.
    #[derive(Clone, Debug, PartialEq, serde::Deserialize)]
    struct Thing {
        #[serde(default)]
        id: Option<String>,
        #[serde(default)]
        n: Option<i32>,
    }

    impl Model for Thing {}

    /// A model with a property named `value`.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Valued {
        #[serde(default)]
        value: Option<serde_json::Value>,
        #[serde(default)]
        id: Option<String>,
    }

    impl Model for Valued {
        const HAS_VALUE_PROPERTY: bool = true;
    }

    fn ok(body: &str) -> http::Response<&str> {
        http::Response::builder().status(200).body(body).unwrap()
    }

    #[test]
    fn a_single_value_wrapped_in_value_is_unwrapped() {
        let thing = Thing {
            id: Some("1".into()),
            n: Some(2),
        };
        for body in [
            r#"{"id": "1", "n": 2}"#,
            r#"{"value": {"id": "1", "n": 2}}"#,
            "\u{feff}{\"value\": {\"id\": \"1\", \"n\": 2}}",
            r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#x/$entity", "value": {"id": "1", "n": 2}}"#,
        ] {
            assert_eq!(
                parse_single::<Thing, _>(&ok(body)).unwrap(),
                thing,
                "{body}"
            );
            assert_eq!(
                parse_single_or_empty::<Thing, _>(&ok(body)).unwrap(),
                Some(thing.clone()),
                "{body}"
            );
        }
        let empty = http::Response::builder().status(204).body("").unwrap();
        assert_eq!(parse_single_or_empty::<Thing, _>(&empty).unwrap(), None);
    }

    #[test]
    fn a_value_member_beside_properties_is_a_property() {
        // `id` is a property, so the object is the entity and `value` an unknown member.
        let thing: Thing =
            parse_single(&ok(r#"{"value": {"id": "inner"}, "id": "outer"}"#)).unwrap();
        assert_eq!(thing.id.as_deref(), Some("outer"));
        // A `value` that is not an object or array is not a wrapper either.
        let thing: Thing = parse_single(&ok(r#"{"value": "x"}"#)).unwrap();
        assert_eq!(thing, Thing { id: None, n: None });
    }

    #[test]
    fn a_collection_where_one_value_was_expected_is_refused() {
        match parse_single::<Thing, _>(&ok(r#"{"value": [{"id": "1"}]}"#)) {
            Err(ResponseError::Decode { path, message, .. }) => {
                assert_eq!(path, "value");
                assert!(message.contains("collection"), "{message}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn a_decode_error_inside_a_wrapper_names_its_path_in_the_body() {
        match parse_single::<Thing, _>(&ok(r#"{"value": {"n": "two"}}"#)) {
            Err(ResponseError::Decode { path, .. }) => assert_eq!(path, "value.n"),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn a_type_with_a_value_property_reads_the_body_as_itself() {
        let valued: Valued = parse_single(&ok(r#"{"value": {"id": "inner"}}"#)).unwrap();
        assert_eq!(valued.value, Some(serde_json::json!({"id": "inner"})));
        assert_eq!(valued.id, None);
        let raw: serde_json::Value = parse_single(&ok(r#"{"value": [1]}"#)).unwrap();
        assert_eq!(raw, serde_json::json!({"value": [1]}));
    }

    #[test]
    fn duplicate_members_are_left_to_the_decoder() {
        assert!(matches!(
            single_shape(br#"{"value": {}, "value": {}}"#),
            Single::Bare
        ));
        assert!(matches!(
            single_shape(br#"{"value": {"id": "1"}}"#),
            Single::Wrapped(_)
        ));
        assert!(matches!(single_shape(b"not json"), Single::Bare));
        assert!(matches!(single_shape(b"[1]"), Single::Bare));
    }

    fn tokens() -> RequestPath {
        RequestPath::new(ROOT)
            .segment("deviceAppManagement")
            .segment("vppTokens")
    }

    #[test]
    fn path_segments_and_base() {
        let path = RequestPath::new("https://graph.microsoft.com/beta/")
            .segment("deviceAppManagement")
            .segment("vppTokens")
            .segment("$count");
        assert_eq!(
            path.url(),
            "https://graph.microsoft.com/beta/deviceAppManagement/vppTokens/$count"
        );
        assert_eq!(path.path(), "/deviceAppManagement/vppTokens/$count");
        assert_eq!(path.service_root(), "https://graph.microsoft.com/beta");
        assert_eq!(RequestPath::new(ROOT).url(), ROOT);
        assert_eq!(RequestPath::new(ROOT).path(), "");
    }

    #[test]
    fn key_is_one_encoded_segment() {
        let path = tokens().key("a/b?c#d%e'f g-h.i_j~k");
        assert_eq!(
            path.path(),
            "/deviceAppManagement/vppTokens/a%2Fb%3Fc%23d%25e%27f%20g-h.i_j~k"
        );
        assert_eq!(
            tokens().key("ünï€").path(),
            "/deviceAppManagement/vppTokens/%C3%BCn%C3%AF%E2%82%AC"
        );
        let id = "8f3e0b6a-3f3c-4a64-9d43-1b6e2f0c5e7a";
        assert_eq!(
            tokens().key(id).segment("syncLicenses").url(),
            format!("{ROOT}/deviceAppManagement/vppTokens/{id}/syncLicenses")
        );
    }

    #[test]
    fn function_literals_keep_quotes() {
        let path = tokens().function(
            "getLicensesForApp",
            &[("bundleId", "it's x".to_odata_literal())],
        );
        assert_eq!(
            path.path(),
            "/deviceAppManagement/vppTokens/getLicensesForApp(bundleId='it''s%20x')"
        );
        let path = tokens().function(
            "f",
            &[
                ("a", "com.contoso/app?#%".to_odata_literal()),
                ("b", true.to_odata_literal()),
                ("c", 42i32.to_odata_literal()),
                ("d", (-7i64).to_odata_literal()),
                (
                    "e",
                    DateTimeOffset::parse("2023-01-01T00:00:00+01:00")
                        .unwrap()
                        .to_odata_literal(),
                ),
            ],
        );
        assert_eq!(
            path.path(),
            "/deviceAppManagement/vppTokens/f(a='com.contoso%2Fapp%3F%23%25',b=true,c=42,d=-7,\
             e=2023-01-01T00%3A00%3A00%2B01%3A00)"
        );
        assert_eq!(
            tokens().function("g", &[]).path(),
            "/deviceAppManagement/vppTokens/g()"
        );
        let url = tokens()
            .function(
                "getLicensesForApp",
                &[("bundleId", "it's x".to_odata_literal())],
            )
            .url();
        assert!(build(Method::GET, url, None).is_ok());
    }

    fn literal<T: ODataLiteral + ?Sized>(value: &T) -> String {
        value.to_odata_literal()
    }

    #[test]
    fn string_literals() {
        assert_eq!(odata_string_literal(""), "''");
        assert_eq!(odata_string_literal("it's"), "'it''s'");
        assert_eq!(odata_string_literal("''"), "''''''");
        assert_eq!(String::from("a").to_odata_literal(), "'a'");
        assert_eq!(literal(&"a"), "'a'");
        assert_eq!(literal("b"), "'b'");
    }

    #[test]
    fn query_options_in_order() {
        let options = QueryOptions {
            select: vec!["id", "displayName"],
            expand: vec!["a".into(), "b($select=c)".into()],
            filter: Some("state eq 'valid' and appleId ne 'a&b=c#d+e%f?'".into()),
            search: Some("\"contoso ü\"".into()),
            order_by: vec!["displayName desc".into(), "id".into()],
            top: Some(5),
            skip: Some(10),
            count: Some(true),
        };
        let mut url = tokens().url();
        options.append_to(&mut url);
        assert_eq!(
            url,
            format!(
                "{ROOT}/deviceAppManagement/vppTokens?$select=id,displayName&$expand=a,b($select%3Dc)\
                 &$filter=state%20eq%20'valid'%20and%20appleId%20ne%20'a%26b%3Dc%23d%2Be%25f%3F'\
                 &$search=%22contoso%20%C3%BC%22&$orderby=displayName%20desc,id&$top=5&$skip=10\
                 &$count=true"
            )
        );
        assert!(build(Method::GET, url, None).is_ok());
    }

    #[test]
    fn query_options_only_set_ones() {
        let mut url = String::from("https://x/y");
        QueryOptions::default().append_to(&mut url);
        assert_eq!(url, "https://x/y");
        assert!(QueryOptions::default().is_empty());

        let options = QueryOptions {
            top: Some(1),
            count: Some(false),
            filter: Some("createdDateTime ge 2023-01-01T00:00:00Z".into()),
            ..QueryOptions::default()
        };
        assert!(!options.is_empty());
        let mut url = String::from("https://x/y");
        options.append_to(&mut url);
        assert_eq!(
            url,
            "https://x/y?$filter=createdDateTime%20ge%202023-01-01T00:00:00Z&$top=1&$count=false"
        );
        let mut url = String::from("https://x/y?a=1");
        QueryOptions {
            skip: Some(2),
            ..QueryOptions::default()
        }
        .append_to(&mut url);
        assert_eq!(url, "https://x/y?a=1&$skip=2");
    }

    #[test]
    fn build_sets_headers() {
        let body = JsonBody::new(&serde_json::json!({"displayName": "x"}));
        let request = build(Method::PATCH, tokens().key("id").url(), Some(&body)).unwrap();
        assert_eq!(request.method(), Method::PATCH);
        assert_eq!(
            request.uri().to_string(),
            format!("{ROOT}/deviceAppManagement/vppTokens/id")
        );
        assert_eq!(request.headers()[ACCEPT], "application/json");
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(&**request.body(), br#"{"displayName":"x"}"#);

        let request = build(Method::GET, tokens().url(), None).unwrap();
        assert_eq!(request.headers()[ACCEPT], "application/json");
        assert!(request.headers().get(CONTENT_TYPE).is_none());
        assert!(request.body().is_empty());

        let request =
            build_text(Method::GET, tokens().segment("$count").url(), "text/plain").unwrap();
        assert_eq!(request.headers()[ACCEPT], "text/plain");
        assert_eq!(request.headers().len(), 1);
    }

    #[test]
    fn build_errors() {
        let err = build(Method::GET, "https://x/a b".into(), None).unwrap_err();
        assert!(matches!(&err, BuildError::InvalidUrl { url, .. } if url == "https://x/a b"));
        let err = build_text(Method::GET, "https://x/".into(), "text/\nplain").unwrap_err();
        assert!(matches!(err, BuildError::Header { name: "Accept", .. }));
    }

    /// A value whose serialization always fails.
    struct Unserializable;

    impl Serialize for Unserializable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no way"))
        }
    }

    #[test]
    fn json_body() {
        let body = JsonBody::new(&serde_json::json!({"token": "secret-value"}));
        assert_eq!(body.bytes().unwrap(), br#"{"token":"secret-value"}"#);
        let debug = format!("{body:?}");
        assert_eq!(debug, "JsonBody { len: 24 }");
        assert_eq!(body.clone().bytes().unwrap(), body.bytes().unwrap());

        let bad = JsonBody::new(&Unserializable);
        let err = bad.bytes().unwrap_err();
        assert_eq!(
            err,
            BuildError::Body {
                message: "no way".into()
            }
        );
        assert!(matches!(
            build(Method::POST, "https://x/".into(), Some(&bad)),
            Err(BuildError::Body { .. })
        ));
        let str_body = JsonBody::new("plain");
        assert_eq!(str_body.bytes().unwrap(), b"\"plain\"");
    }

    fn response(status: u16, body: &str) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Token {
        id: String,
        state: Option<State>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    enum State {
        Valid,
    }

    #[test]
    fn parse_json_behaviour() {
        let token: Token = parse_json(&response(200, r#"{"id":"a","state":"valid"}"#)).unwrap();
        assert_eq!(
            token,
            Token {
                id: "a".into(),
                state: Some(State::Valid)
            }
        );
        let token: Token = parse_json(&response(201, "\u{feff}{\"id\":\"b\"}")).unwrap();
        assert_eq!(token.id, "b");

        let err = parse_json::<Token, _>(&response(204, "")).unwrap_err();
        assert!(matches!(
            err,
            ResponseError::UnexpectedStatus {
                status: StatusCode::NO_CONTENT,
                expected: "a JSON body"
            }
        ));
        let err = parse_json::<Token, _>(&response(200, "  ")).unwrap_err();
        assert!(matches!(err, ResponseError::UnexpectedStatus { .. }));

        let err =
            parse_json::<Token, _>(&response(404, r#"{"error":{"code":"NotFound"}}"#)).unwrap_err();
        let ResponseError::Status(graph) = err else {
            panic!("expected a status error, got {err:?}");
        };
        assert_eq!(graph.status, StatusCode::NOT_FOUND);
        assert_eq!(graph.code.as_deref(), Some("NotFound"));
    }

    #[test]
    fn decode_errors_carry_the_json_path() {
        let body = r#"{"value":[{"id":"a","state":"bogus"}]}"#;
        let err = parse_json::<Collection<Token>, _>(&response(200, body)).unwrap_err();
        let ResponseError::Decode {
            status,
            path,
            message,
        } = err
        else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!(status, StatusCode::OK);
        assert_eq!(path, "value[0].state");
        assert_eq!(
            message,
            "unknown variant, expected `valid` at line 1 column 35"
        );

        let err = parse_json::<Token, _>(&response(200, "not json")).unwrap_err();
        assert!(
            matches!(&err, ResponseError::Decode { path, .. } if path == "."),
            "{err:?}"
        );
        let err = parse_json::<Token, _>(&response(200, r#"{"id":"a"} x"#)).unwrap_err();
        assert!(
            matches!(&err, ResponseError::Decode { path, .. } if path == "."),
            "{err:?}"
        );
    }

    #[test]
    fn parse_json_or_empty_behaviour() {
        assert_eq!(
            parse_json_or_empty::<Token, _>(&response(204, "")).unwrap(),
            None
        );
        assert_eq!(
            parse_json_or_empty::<Token, _>(&response(200, "")).unwrap(),
            None
        );
        assert_eq!(
            parse_json_or_empty::<Token, _>(&response(200, r#"{"id":"x"}"#))
                .unwrap()
                .map(|t| t.id),
            Some("x".to_owned())
        );
        assert!(matches!(
            parse_json_or_empty::<Token, _>(&response(500, "")),
            Err(ResponseError::Status(_))
        ));
    }

    #[test]
    fn parse_empty_behaviour() {
        assert!(parse_empty(&response(204, "")).is_ok());
        assert!(parse_empty(&response(200, "{\"ignored\":1}")).is_ok());
        let err = parse_empty(&response(429, "")).unwrap_err();
        assert_eq!(err.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    #[test]
    fn parse_count_behaviour() {
        assert_eq!(parse_count(&response(200, "42")).unwrap(), 42);
        assert_eq!(parse_count(&response(200, "\u{feff} 7\r\n")).unwrap(), 7);
        let err = parse_count(&response(200, "many")).unwrap_err();
        let ResponseError::Decode { path, message, .. } = err else {
            panic!("expected a decode error");
        };
        assert_eq!(path, ".");
        assert_eq!(
            message,
            "the count is not a non-negative integer: invalid digit found in string"
        );
        assert!(matches!(
            parse_count(&response(200, "-1")),
            Err(ResponseError::Decode { .. })
        ));
        assert!(matches!(
            parse_count(&response(403, "")),
            Err(ResponseError::Status(_))
        ));
    }

    #[test]
    fn next_page_operation() {
        let next: NextPage<Token> = NextPage::new(format!(
            "{ROOT}/deviceAppManagement/vppTokens?$skiptoken=X%3D"
        ));
        let request = next.to_request().unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri().to_string(), next.url());
        assert_eq!(request.headers()[ACCEPT], "application/json");
        let page = next
            .parse_response(&response(200, r#"{"value":[{"id":"z"}]}"#))
            .unwrap();
        assert_eq!(page.value[0].id, "z");
        assert_eq!(
            format!("{:?}", next.clone()),
            format!("NextPage {{ url: \"{ROOT}/deviceAppManagement/vppTokens?$skiptoken=X%3D\" }}")
        );
    }
}
