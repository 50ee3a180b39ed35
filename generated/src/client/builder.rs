//! [`ClientBuilder`]: the Graph endpoint, the access token, retries and timeouts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::{StaticToken, TokenSource};
use super::error::{Error, transport};
use super::retry::{Jitter, RetryPolicy};
use super::{Client, Inner};

/// The Graph endpoint of Microsoft's global cloud, used unless [`ClientBuilder::endpoint`] says
/// otherwise. A service root is an endpoint followed by an API version
/// (`https://graph.microsoft.com/v1.0`).
pub const DEFAULT_ENDPOINT: &str = "https://graph.microsoft.com";

/// The default Graph endpoint, under its former name.
#[deprecated(note = "renamed to `DEFAULT_ENDPOINT`")]
pub const DEFAULT_BASE_URL: &str = DEFAULT_ENDPOINT;

/// The total time allowed for one attempt unless [`ClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// The time allowed to open a connection unless [`ClientBuilder::connect_timeout`] says
/// otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures and builds a [`Client`]; see [`Client::builder`].
///
/// An access token is required: [`bearer_token`](Self::bearer_token) for a fixed one,
/// [`token_source`](Self::token_source) for one asked before every attempt, or (feature
/// `azure-identity`) [`credential`](Self::credential) for a Microsoft Entra ID sign-in; the
/// last one given is used.
///
/// Its `Debug` output never shows the token.
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    token: Option<TokenConfig>,
    #[cfg(feature = "azure-identity")]
    scope: Option<String>,
    #[cfg(feature = "azure-identity")]
    clock: Option<Arc<dyn super::azure::Clock>>,
    #[cfg(feature = "azure-identity")]
    credential_retry: RetryPolicy,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_ENDPOINT.to_owned(),
            token: None,
            #[cfg(feature = "azure-identity")]
            scope: None,
            #[cfg(feature = "azure-identity")]
            clock: None,
            #[cfg(feature = "azure-identity")]
            credential_retry: super::azure::default_credential_retry(),
            retry: RetryPolicy::default(),
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            http: None,
        }
    }
}

/// Where the access token comes from.
enum TokenConfig {
    Source(Arc<dyn TokenSource>),
    #[cfg(feature = "azure-identity")]
    Credential(Arc<dyn azure_core::credentials::TokenCredential>),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("ClientBuilder");
        f.field("endpoint", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"));
        #[cfg(feature = "azure-identity")]
        f.field("scope", &self.scope)
            .field("credential_retry", &self.credential_retry);
        f.field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("http_client", &self.http.as_ref().map(|_| "<given>"))
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: [`DEFAULT_ENDPOINT`], [`RetryPolicy::default`],
    /// [`DEFAULT_TIMEOUT`] and [`DEFAULT_CONNECT_TIMEOUT`], and no token yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The Graph endpoint, without the API version: `https://graph.microsoft.com` (the
    /// default), a national cloud's such as `https://graph.microsoft.us`, or a test server
    /// such as `http://127.0.0.1:8080`. [`Client::v1_0`] and [`Client::beta`] append the
    /// version to make each version's service root (`https://graph.microsoft.us/v1.0`); a
    /// trailing `/` is ignored. A path, for a proxy in front of Graph, is kept
    /// (`https://proxy.example/graph`).
    ///
    /// The access token is only ever sent to URLs below this endpoint, and only over `https`
    /// unless the endpoint is on this machine (`http://127.0.0.1:8080`, `http://localhost`):
    /// [`build`](Self::build) refuses an endpoint that ends in an API version, has a query or
    /// fragment, or is plain `http` to another host.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The Graph endpoint, under its former name; it takes the same URL, without the version.
    #[deprecated(note = "renamed to `endpoint`; it takes the same URL, without the API version")]
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.endpoint(url)
    }

    /// A fixed access token, sent as `Authorization: Bearer {token}` with every request.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(TokenConfig::Source(Arc::new(StaticToken(token.into()))));
        self
    }

    /// A [`TokenSource`], such as an async closure, asked for the access token before every
    /// attempt.
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.token = Some(TokenConfig::Source(Arc::new(source)));
        self
    }

    /// Signs in to Microsoft Entra ID with an `azure_identity` credential (client secret,
    /// client certificate, managed identity, workload identity, Azure CLI, ...): the client
    /// asks it for a token of the Graph [`scope`](Self::scope), keeps the token and refreshes
    /// it before it expires. See [`azure`](super::azure) for how to build the credential
    /// over this client's HTTP connections.
    #[cfg(feature = "azure-identity")]
    pub fn credential(
        mut self,
        credential: Arc<dyn azure_core::credentials::TokenCredential>,
    ) -> Self {
        self.token = Some(TokenConfig::Credential(credential));
        self
    }

    /// The OAuth scope asked of the [`credential`](Self::credential). By default it is the
    /// origin of the [`endpoint`](Self::endpoint) followed by `/.default`, such as
    /// `https://graph.microsoft.com/.default` or `https://graph.microsoft.us/.default`; set it
    /// when the endpoint is a proxy or a test server. Not used with a bearer token or
    /// token source.
    #[cfg(feature = "azure-identity")]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// How a failed sign-in of the [`credential`](Self::credential) is retried:
    /// [`azure::default_credential_retry`](super::azure::default_credential_retry) (4
    /// attempts, at most 4 s of waiting in all) unless set; [`RetryPolicy::never`] asks the
    /// credential once. Only failures that can pass are retried (network failures, and the
    /// identity endpoint's `408`, `429`, `500`, `502`, `503`, `504`); see
    /// [Retries](super::azure#retries). Independent of the [`retry_policy`](Self::retry_policy)
    /// of Graph requests.
    #[cfg(feature = "azure-identity")]
    pub fn credential_retry(mut self, policy: RetryPolicy) -> Self {
        self.credential_retry = policy;
        self
    }

    /// Without the cargo feature `azure-identity`: a call fails to compile with a message
    /// naming the feature (see `crate::feature_hints`).
    #[cfg(not(feature = "azure-identity"))]
    #[doc(hidden)]
    pub fn credential<'a, C, T>(self, _credential: C) -> T
    where
        &'a Self: crate::feature_hints::AzureIdentityFeature,
    {
        <&'a Self as crate::feature_hints::AzureIdentityFeature>::unavailable()
    }

    /// Without the cargo feature `azure-identity`: a call fails to compile with a message
    /// naming the feature (see `crate::feature_hints`).
    #[cfg(not(feature = "azure-identity"))]
    #[doc(hidden)]
    pub fn scope<'a, S, T>(self, _scope: S) -> T
    where
        &'a Self: crate::feature_hints::AzureIdentityFeature,
    {
        <&'a Self as crate::feature_hints::AzureIdentityFeature>::unavailable()
    }

    /// The clock of the token cache (tests only).
    #[cfg(feature = "azure-identity")]
    #[doc(hidden)]
    pub fn clock(mut self, clock: Arc<dyn super::azure::Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The `ClientOptions` for an `azure_identity` credential, sending its requests over the
    /// HTTP client this builder will use (see [`azure::client_options`](super::azure::client_options)),
    /// with this builder's [`timeout`](Self::timeout) per request and without `azure_core`'s
    /// own retries (the client retries the credential by
    /// [`credential_retry`](Self::credential_retry)).
    ///
    /// Unless [`http_client`](Self::http_client) was given, this builds the HTTP client now,
    /// with the [`connect_timeout`](Self::connect_timeout) set so far, and keeps it for
    /// [`build`](Self::build).
    ///
    /// # Errors
    /// [`Error::Transport`] when the HTTP client cannot be initialized.
    #[cfg(feature = "azure-identity")]
    pub fn azure_client_options(&mut self) -> Result<azure_core::http::ClientOptions, Error> {
        let http = match &self.http {
            Some(http) => http.clone(),
            None => {
                let http = default_http_client(self.connect_timeout)?;
                self.http = Some(http.clone());
                http
            }
        };
        Ok(super::azure::client_options(&http, self.timeout))
    }

    /// Without the cargo feature `azure-identity`: a call fails to compile with a message
    /// naming the feature (see `crate::feature_hints`).
    #[cfg(not(feature = "azure-identity"))]
    #[doc(hidden)]
    pub fn azure_client_options<'a, T>(&'a mut self) -> T
    where
        &'a Self: crate::feature_hints::AzureIdentityFeature,
    {
        <&'a Self as crate::feature_hints::AzureIdentityFeature>::unavailable()
    }

    /// The whole retry policy at once (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most `attempts` attempts per request, the first included (see
    /// [`RetryPolicy::max_attempts`]); `1` turns retries off.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry = self.retry.max_attempts(attempts);
        self
    }

    /// At most this much time spent waiting between the attempts of one request (see
    /// [`RetryPolicy::max_total_wait`]).
    pub fn max_total_wait(mut self, budget: Duration) -> Self {
        self.retry = self.retry.max_total_wait(budget);
        self
    }

    /// The first backoff delay when a throttled response has no `Retry-After` (see
    /// [`RetryPolicy::base_delay`]).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.retry = self.retry.base_delay(delay);
        self
    }

    /// The longest backoff delay (see [`RetryPolicy::max_delay`]).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.retry = self.retry.max_delay(delay);
        self
    }

    /// How backoff delays are randomized (see [`Jitter`]).
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.retry = self.retry.jitter(jitter);
        self
    }

    /// The total time allowed for one attempt, from sending the request to reading the whole
    /// response; `None` for no limit.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// The time allowed to open a connection; `None` for no limit. Not used with
    /// [`http_client`](Self::http_client), whose own setting applies.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// A `reqwest` client to send the requests with (to share its connection pool, or for
    /// proxies and certificates); by default one is built. The `Authorization` header is
    /// added to each request, not to the client.
    ///
    /// Start from [`http_client_builder`](super::http_client_builder): it carries this crate's
    /// TLS configuration. A bare `reqwest::Client::builder()` has no TLS crypto provider
    /// unless the program enables one (reqwest panics when it builds such a client), because
    /// this crate gives its provider to its own clients only (see the `client` module docs).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`], its message saying what to give instead, when no token was given
    /// or the endpoint is not an absolute `http(s)` URL, has a query or a fragment, ends in
    /// an API version (`/v1.0`, `/beta`: the client adds it), or is plain `http` to a host
    /// other than this machine's loopback interface (the token would travel in clear text);
    /// [`Error::Transport`] when the HTTP client cannot be initialized.
    pub fn build(self) -> Result<Client, Error> {
        let token = self.token.ok_or_else(|| {
            Error::Config("no access token: call bearer_token() or token_source()".to_owned())
        })?;
        let base = parse_base_url(&self.base_url)?;
        // Every way to build a client sends an access token.
        check_cleartext(&base)?;
        // With `client` alone, `TokenConfig` has a single variant.
        #[cfg_attr(
            not(feature = "azure-identity"),
            allow(clippy::infallible_destructuring_match)
        )]
        let token: Arc<dyn TokenSource> = match token {
            TokenConfig::Source(source) => source,
            #[cfg(feature = "azure-identity")]
            TokenConfig::Credential(credential) => {
                Arc::new(super::azure::CredentialTokenSource::new(
                    credential,
                    self.scope
                        .unwrap_or_else(|| super::azure::graph_scope(&base)),
                    self.clock
                        .unwrap_or_else(|| Arc::new(super::azure::SystemClock)),
                    self.credential_retry,
                ))
            }
        };
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(self.connect_timeout)?,
        };
        let base_url = base.as_str().trim_end_matches('/').into();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                base_url,
                token,
                sent: super::credentials::SentCredentials::default(),
                retry: self.retry,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
            }),
        })
    }
}

/// The HTTP client built when none is given.
fn default_http_client(connect_timeout: Option<Duration>) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder().user_agent(concat!(
        env!("CARGO_PKG_NAME"),
        "/",
        env!("CARGO_PKG_VERSION")
    ));
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    super::tls::configure(builder)?.build().map_err(transport)
}

/// Checks and normalizes the Graph endpoint; every refusal says what to give instead.
fn parse_base_url(text: &str) -> Result<reqwest::Url, Error> {
    let invalid = |why: &str| Error::Config(format!("invalid Graph endpoint {text:?}: {why}"));
    let mut url =
        reqwest::Url::parse(text.trim_end_matches('/')).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host().is_none() {
        return Err(invalid("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not allowed"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        url.set_query(None);
        url.set_fragment(None);
        return Err(invalid(&format!(
            "an endpoint takes no query or fragment; use {:?}, and give query options to \
             the requests (such as `.top(10)` or `.filter(..)` on a list)",
            url.as_str().trim_end_matches('/')
        )));
    }
    if let Some(version) = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .filter(|segment| is_api_version(segment))
        .map(str::to_owned)
    {
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().pop();
        }
        return Err(invalid(&format!(
            "it ends in the API version `{version}`; `endpoint` takes the cloud's Graph \
             endpoint, such as \"https://graph.microsoft.com\", and the client adds the version \
             (`Client::v1_0`, `Client::beta`): use {:?}",
            url.as_str().trim_end_matches('/')
        )));
    }
    Ok(url)
}

/// Whether a path segment is a Graph API version: `beta`, or `v` and a number with at most one
/// dot (`v1.0`, `v2`), in any case.
fn is_api_version(segment: &str) -> bool {
    if segment.eq_ignore_ascii_case("beta") {
        return true;
    }
    let Some(number) = segment.strip_prefix(['v', 'V']) else {
        return false;
    };
    let (major, minor) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

/// Refuses to send an access token in clear text: a plain `http` endpoint is only accepted on
/// the loopback interface (`127.0.0.0/8`, `::1`, `localhost`), such as a local test server.
fn check_cleartext(url: &reqwest::Url) -> Result<(), Error> {
    if url.scheme() != "http" {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || ip.parse::<std::net::IpAddr>().is_ok_and(|ip| match ip {
            std::net::IpAddr::V4(ip) => ip.is_loopback(),
            std::net::IpAddr::V6(ip) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|ip| ip.is_loopback())
            }
        });
    if loopback {
        return Ok(());
    }
    let mut https = url.clone();
    let _ = https.set_scheme("https");
    Err(Error::Config(format!(
        "refusing to send the access token over plain http to {}: use https ({:?}); plain http \
         is only for a server on this machine (127.0.0.1, ::1 or localhost)",
        host,
        https.as_str().trim_end_matches('/')
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_required() {
        let err = ClientBuilder::new().build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }

    #[test]
    fn endpoints_are_checked_and_normalized() {
        let build = |url: &str| {
            ClientBuilder::new()
                .bearer_token("t")
                .endpoint(url)
                .build()
                .map(|c| c.endpoint().to_owned())
        };
        assert_eq!(
            build("https://graph.microsoft.com/").unwrap(),
            DEFAULT_ENDPOINT
        );
        assert_eq!(
            build("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            build("https://proxy.example/graph//").unwrap(),
            "https://proxy.example/graph"
        );
        for bad in [
            "graph.microsoft.com",
            "ftp://graph.microsoft.com",
            "https://graph.microsoft.com/?a=b",
            "https://user:pw@graph.microsoft.com",
            "",
        ] {
            assert!(matches!(build(bad), Err(Error::Config(_))), "{bad}");
        }
    }

    /// The message of the configuration error of `url`.
    fn refusal(url: &str) -> String {
        match ClientBuilder::new().bearer_token("t").endpoint(url).build() {
            Err(Error::Config(message)) => message,
            other => panic!("{url} was not refused: {other:?}"),
        }
    }

    #[test]
    fn an_endpoint_ending_in_an_api_version_is_refused_with_the_endpoint_to_use() {
        for (url, version, fix) in [
            ("https://graph.microsoft.com/v1.0", "v1.0", "https://graph.microsoft.com"),
            ("https://graph.microsoft.com/beta/", "beta", "https://graph.microsoft.com"),
            ("https://graph.microsoft.us/V1.0", "V1.0", "https://graph.microsoft.us"),
            ("https://graph.microsoft.com/BETA", "BETA", "https://graph.microsoft.com"),
            ("https://graph.microsoft.com/v2", "v2", "https://graph.microsoft.com"),
            ("https://proxy.example/graph/v1.0", "v1.0", "https://proxy.example/graph"),
            ("http://127.0.0.1:8080/v10.25", "v10.25", "http://127.0.0.1:8080"),
        ] {
            let message = refusal(url);
            for part in [
                format!("ends in the API version `{version}`"),
                "takes the cloud's Graph endpoint, such as \"https://graph.microsoft.com\"".to_owned(),
                "the client adds the version".to_owned(),
                format!("use {fix:?}"),
            ] {
                assert!(message.contains(&part), "{url}: no {part:?} in {message:?}");
            }
        }
        // Not versions: a proxy's path prefix and segments that only look alike.
        for url in [
            "https://proxy.example/graph",
            "https://proxy.example/v1.0/graph",
            "https://proxy.example/version",
            "https://proxy.example/v1.0.0",
            "https://proxy.example/v",
            "https://proxy.example/vx.1",
            "https://proxy.example/betas",
        ] {
            let client = ClientBuilder::new().bearer_token("t").endpoint(url).build();
            assert_eq!(client.unwrap().endpoint(), url);
        }
    }

    #[test]
    fn an_endpoint_with_a_query_or_fragment_is_refused_with_the_endpoint_to_use() {
        for url in [
            "https://graph.microsoft.com/?a=b",
            "https://graph.microsoft.com?$top=10",
            "https://graph.microsoft.com#top",
            "https://proxy.example/graph?x=1#y",
        ] {
            let message = refusal(url);
            assert!(message.contains("takes no query or fragment"), "{message}");
            let fix = if url.contains("proxy") {
                "https://proxy.example/graph"
            } else {
                "https://graph.microsoft.com"
            };
            assert!(message.contains(&format!("use {fix:?}")), "{message}");
            assert!(message.contains("query options to the requests"), "{message}");
        }
    }

    #[test]
    fn plain_http_is_refused_unless_the_server_is_on_this_machine() {
        for url in [
            "http://graph.microsoft.com",
            "http://proxy.example:8080/graph",
            "http://10.0.0.5",
            "http://[2001:db8::1]",
            "http://localhost.example.com",
        ] {
            let message = refusal(url);
            assert!(message.contains("over plain http"), "{message}");
            assert!(message.contains("use https"), "{message}");
            let https = url.replacen("http:", "https:", 1);
            assert!(message.contains(&format!("{https:?}")), "{message}");
        }
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:8080",
            "http://localhost:3000",
            "http://LOCALHOST",
        ] {
            let built = ClientBuilder::new().bearer_token("t").endpoint(url).build();
            assert!(built.is_ok(), "{url}: {built:?}");
        }
        // A token source is a token too.
        let source = || async { Ok::<_, crate::client::BoxError>("t".to_owned()) };
        let refused = ClientBuilder::new()
            .token_source(source)
            .endpoint("http://graph.microsoft.com")
            .build();
        assert!(matches!(refused, Err(Error::Config(_))), "{refused:?}");
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = ClientBuilder::new()
            .bearer_token("s3cr3t-token")
            .max_attempts(2)
            .timeout(None);
        let text = format!("{builder:?}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        let client = builder.build().unwrap();
        let text = format!("{client:?} {client:#?}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert_eq!(client.retry_policy().attempts(), 2);
    }
}
