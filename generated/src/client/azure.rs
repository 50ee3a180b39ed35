//! Microsoft Entra ID sign-in (cargo feature `azure-identity`): the client gets its access
//! token from any [`TokenCredential`] of Microsoft's `azure_identity` crate and keeps it until
//! shortly before it expires.
//!
//! The feature adds `azure_core` and `azure_identity` (without their default features) and
//! needs Rust 1.88, their minimum; the rest of the crate keeps its own. Both are re-exported,
//! as [`graph_vpptoken::azure_core`](crate::azure_core) and
//! [`graph_vpptoken::azure_identity`](crate::azure_identity), so that a program needs no
//! dependency of its own on them.
//!
//! # Signing in
//!
//! Give the credential to [`ClientBuilder::credential`](super::ClientBuilder::credential).
//! The client asks it for the Graph scope of its Graph endpoint (the origin of
//! [`ClientBuilder::endpoint`](super::ClientBuilder::endpoint) followed by `/.default`):
//!
//! | Graph endpoint | scope |
//! |---|---|
//! | `https://graph.microsoft.com` (global service, the default) | `https://graph.microsoft.com/.default` |
//! | `https://graph.microsoft.us` (US Government L4) | `https://graph.microsoft.us/.default` |
//! | `https://dod-graph.microsoft.us` (US Government L5, DoD) | `https://dod-graph.microsoft.us/.default` |
//! | `https://microsoftgraph.chinacloudapi.cn` (operated by 21Vianet) | `https://microsoftgraph.chinacloudapi.cn/.default` |
//!
//! Behind a proxy or with a test server as Graph endpoint, set the scope with
//! [`ClientBuilder::scope`](super::ClientBuilder::scope).
//!
//! # Caching and refresh
//!
//! The token is kept and reused until [`REFRESH_MARGIN`] (5 minutes) before its `expires_on`,
//! or half its lifetime before it when it was issued for less than twice that margin. Then the
//! next request asks the credential for a new one; however many requests need a token at that
//! moment, only one asks the credential and the others wait for its answer. When a refresh
//! fails while the cached token has not expired yet, the cached token is sent and the failure
//! logged; once it has expired, the failure is the request's error.
//!
//! # The transport of the credential
//!
//! The Azure crates are used without their default features, so they bring no HTTP client
//! and no TLS stack of their own: a credential that calls an identity endpoint (client secret,
//! client certificate, managed identity, workload identity) needs a transport in its
//! `ClientOptions`. [`client_options`] makes them over a `reqwest::Client`, and
//! [`ClientBuilder::azure_client_options`](super::ClientBuilder::azure_client_options) over
//! the one the Graph client will use, so that both share one connection pool and the
//! crate's TLS configuration:
//!
//! ```no_run
//! use graph_vpptoken::azure_core::credentials::Secret;
//! use graph_vpptoken::azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
//! use graph_vpptoken::client::Client;
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut builder = Client::builder();
//! let credential = ClientSecretCredential::new(
//!     "00000000-0000-0000-0000-000000000000", // tenant
//!     "11111111-1111-1111-1111-111111111111".to_owned(), // client (application) id
//!     Secret::new(std::env::var("AZURE_CLIENT_SECRET")?),
//!     Some(ClientSecretCredentialOptions {
//!         client_options: builder.azure_client_options()?,
//!     }),
//! )?;
//! let client = builder.credential(credential).build()?;
//! # drop(client);
//! # Ok(())
//! # }
//! ```
//!
//! The other credential kinds take the same `client_options`:
//!
//! - **Managed identity** (Azure VM, App Service, Functions, Container Apps):
//!   `ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions { client_options,
//!   user_assigned_id: None, ..Default::default() }))` (`user_assigned_id:
//!   Some(UserAssignedId::ClientId(..))` for a user-assigned identity).
//! - **Workload identity** (AKS; reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and
//!   `AZURE_FEDERATED_TOKEN_FILE`): `WorkloadIdentityCredential::new(Some(
//!   WorkloadIdentityCredentialOptions { credential_options: ClientAssertionCredentialOptions {
//!   client_options }, ..Default::default() }))`.
//! - **Client certificate**: `ClientCertificateCredential::new(tenant_id, client_id,
//!   SecretBytes::new(pkcs12), Some(ClientCertificateCredentialOptions { client_options,
//!   password }))`. It needs the `client_certificate` feature of `azure_identity`, which the
//!   application enables itself (`azure_identity = { version = "1", default-features = false,
//!   features = ["client_certificate"] }`): it brings OpenSSL, used to read the certificate
//!   and sign the assertion, not for HTTPS.
//! - **Azure CLI** (development machines; runs `az account get-access-token`, no HTTP):
//!   `AzureCliCredential::new(None)`.
//!
//! The example `azure_sign_in` (`cargo run -p graph-vpptoken --features azure-identity
//! --example azure_sign_in`) signs in with any of them.
//!
//! # Retries
//!
//! A sign-in that fails for a passing reason is tried again a few times, within seconds: the
//! options that [`client_options`] makes turn `azure_core`'s own retries off (they would go on
//! for more than a minute and keep only their last message), and the client retries the
//! credential itself, by [`ClientBuilder::credential_retry`](super::ClientBuilder::credential_retry)
//! ([`default_credential_retry`] unless set: 4 attempts, at most
//! [`DEFAULT_CREDENTIAL_TOTAL_WAIT`] (4 s) of waiting in all). Retried are the failures that
//! can pass: a DNS lookup, a connection or a read that failed or timed out, and the identity
//! endpoint's `408`, `429` (after its `Retry-After`), `500`, `502`, `503` and `504`. A
//! rejected secret (`400`, `401`), a TLS failure or a credential that cannot run (an Azure
//! CLI that is not installed) fails at once. Each attempt is also bounded by the client's
//! [`timeout`](super::ClientBuilder::timeout) and
//! [`connect_timeout`](super::ClientBuilder::connect_timeout).
//!
//! A refresh that fails while the cached token is still valid is not retried: the cached
//! token is sent, and the next request asks again.
//!
//! The error of a failed sign-in, a [`CredentialError`], names the kind of failure
//! ([`CredentialErrorKind`]: DNS, connection, TLS, timeout, HTTP status with Entra ID's
//! `AADSTS` codes, ...) and how many attempts were made; when the credential sent its requests
//! through this crate's transport, its [`source`](std::error::Error::source) is the
//! `reqwest::Error` of the last attempt, whose own chain ends at the root cause (such as
//! `Connection refused`):
//!
//! ```text
//! cannot get an access token
//! caused by: ClientSecretCredential authentication failed after 4 attempts: could not connect to the identity endpoint
//! caused by: error sending request for url (https://login.microsoftonline.com/…/oauth2/v2.0/token)
//! caused by: client error (Connect)
//! caused by: tcp connect error
//! caused by: Connection refused (os error 111)
//! ```
//!
//! # Testing sign-in offline
//!
//! `azure_identity` only accepts an `https` authority host, so a credential cannot be pointed
//! at a token endpoint on `http://127.0.0.1` directly. [`LoopbackIdentity`] makes the
//! `ClientOptions` for that: the credential is given a reserved authority host that no DNS
//! resolves ([`LOOPBACK_AUTHORITY_HOST`]), and its transport sends the requests for that host,
//! and no others, to a loopback address over plain HTTP. Only loopback addresses are accepted,
//! so a credential made this way cannot reach a real identity endpoint, nor send its secret
//! off the machine. The task guide
//! [`docs::sign_in_offline`](crate::docs::sign_in_offline) has a complete example with a
//! local token endpoint and Graph mock:
//!
//! ```no_run
//! use graph_vpptoken::azure_core::credentials::Secret;
//! use graph_vpptoken::azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
//! use graph_vpptoken::client::{Client, azure::LoopbackIdentity};
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // A token endpoint on 127.0.0.1:8400 answers POST /{tenant}/oauth2/v2.0/token.
//! let mut builder = Client::builder().endpoint("http://127.0.0.1:8401");
//! let client_options =
//!     LoopbackIdentity::new(([127, 0, 0, 1], 8400))?.client_options(builder.azure_client_options()?)?;
//! let credential = ClientSecretCredential::new(
//!     "contoso",
//!     "test-app".to_owned(),
//!     Secret::new("not-a-secret"),
//!     Some(ClientSecretCredentialOptions { client_options }),
//! )?;
//! let client = builder.credential(credential).build()?;
//! # drop(client);
//! # Ok(())
//! # }
//! ```
//!
//! # Secrets
//!
//! The token is never written to `Debug` or `Display` output, an error or a log line. A
//! failure of the credential becomes [`Error::Token`] holding a
//! [`CredentialError`], which keeps what the failure was but no text that may hold a secret
//! (see there).
//!
//! # Logging
//!
//! With a `tracing` subscriber, each token acquisition and refresh is a `DEBUG` event with the
//! token's expiry time and when it will be refreshed (never the token), a retried attempt an
//! `INFO` event `retrying the sign-in` with the `attempt`, the failure's `kind` and the `wait`,
//! and a failed sign-in a `WARN` event with the redacted error.

use std::error::Error as StdError;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{AccessToken, Secret, TokenCredential};
use azure_core::error::ErrorKind;
use azure_core::http::headers::{Headers, RETRY_AFTER};
use azure_core::http::{
    AsyncRawResponse, Body, ClientOptions, Context, HttpClient, Request, RetryOptions, Transport,
    Url,
};
use time::OffsetDateTime;

use super::RetryPolicy;
use super::auth::{TokenFuture, TokenSource};
use super::error::{BoxError, Error};

/// How long before its `expires_on` a cached token is refreshed: 5 minutes (or half the
/// token's lifetime, if that is shorter).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The longest time the client waits, in all, between the attempts of one sign-in unless
/// [`ClientBuilder::credential_retry`](super::ClientBuilder::credential_retry) says
/// otherwise: 4 s.
pub const DEFAULT_CREDENTIAL_TOTAL_WAIT: Duration = Duration::from_secs(4);

/// The retry policy of the credential unless
/// [`ClientBuilder::credential_retry`](super::ClientBuilder::credential_retry) says otherwise:
/// at most 4 attempts, a backoff of 500 ms doubled at each retry (with
/// [`Jitter::Equal`](super::Jitter::Equal)), at most [`DEFAULT_CREDENTIAL_TOTAL_WAIT`] of
/// waiting in all. See [Retries](self#retries) for what is retried.
///
/// ```
/// use graph_vpptoken::client::azure::{DEFAULT_CREDENTIAL_TOTAL_WAIT, default_credential_retry};
///
/// let policy = default_credential_retry();
/// assert_eq!(policy.attempts(), 4);
/// assert_eq!(policy.total_wait(), DEFAULT_CREDENTIAL_TOTAL_WAIT);
/// ```
#[must_use]
pub fn default_credential_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(4)
        .base_delay(Duration::from_millis(500))
        .max_total_wait(DEFAULT_CREDENTIAL_TOTAL_WAIT)
}

/// The `ClientOptions` of an `azure_identity` credential that sends its requests with `http`
/// (its connection pool, proxy and TLS settings), allowing each at most `timeout`
/// ([`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT) when `None`), with `azure_core`'s retries
/// turned off: the client retries the credential itself (see [Retries](self#retries)).
///
/// Pass the same client to [`ClientBuilder::http_client`](super::ClientBuilder::http_client)
/// to share it with the Graph client, or use
/// [`ClientBuilder::azure_client_options`](super::ClientBuilder::azure_client_options), which
/// does both. The other options (logging, cloud) keep `azure_core`'s defaults and can be
/// changed on the returned value.
#[must_use]
pub fn client_options(http: &reqwest::Client, timeout: Option<Duration>) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(Arc::new(ReqwestTransport {
            http: http.clone(),
            timeout: timeout.unwrap_or(super::DEFAULT_TIMEOUT),
        }))),
        retry: RetryOptions::none(),
        ..ClientOptions::default()
    }
}

/// `azure_core`'s [`HttpClient`] over a `reqwest::Client`.
#[derive(Clone)]
struct ReqwestTransport {
    http: reqwest::Client,
    timeout: Duration,
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl HttpClient for ReqwestTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes())
            .map_err(|e| azure_core::Error::with_error(ErrorKind::Other, e, "invalid method"))?;
        let mut builder = self
            .http
            .request(method, request.url().as_str())
            .timeout(self.timeout);
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match request.body() {
            Body::Bytes(bytes) => builder.body(bytes.clone()),
            // The credentials send forms and JSON; a streamed body would need reqwest's
            // `stream` feature.
            Body::SeekableStream(_) => {
                return Err(azure_core::Error::with_message(
                    ErrorKind::Other,
                    "streamed request bodies are not supported by this transport",
                ));
            }
        };
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let mut headers = Headers::new();
        for (name, value) in response.headers() {
            // Values that are not text are of no use to the credentials.
            if let Ok(value) = value.to_str() {
                headers.insert(name.as_str().to_owned(), value.to_owned());
            }
        }
        let body = response.bytes().await.map_err(transport_error)?;
        Ok(AsyncRawResponse::from_bytes(status.into(), headers, body))
    }
}

/// A reqwest error as an `azure_core` error, its URL without query, fragment or user info.
/// The reqwest error is its source (shared, so that a [`CredentialError`] can keep it), and
/// its message says no more than the kind of failure.
fn transport_error(mut error: reqwest::Error) -> azure_core::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    let failure = TransportFailure {
        kind: transport_kind(&error),
        error: Arc::new(error),
    };
    let kind = match failure.kind {
        CredentialErrorKind::Dns | CredentialErrorKind::Connect => ErrorKind::Connection,
        _ => ErrorKind::Io,
    };
    let message = failure.kind.describe();
    azure_core::Error::with_error(kind, failure, message)
}

/// A failure of [`ReqwestTransport`]: the reqwest error, shared, and its kind.
#[derive(Clone, Debug)]
struct TransportFailure {
    kind: CredentialErrorKind,
    error: Arc<reqwest::Error>,
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl StdError for TransportFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.error.source()
    }
}

/// The kind of a reqwest failure, from its chain of sources.
fn transport_kind(error: &reqwest::Error) -> CredentialErrorKind {
    let (mut dns, mut tls, mut timeout) = (false, false, error.is_timeout());
    let mut current: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(e) = current {
        // An I/O error's `source` skips the error it wraps (the source of that one comes
        // next): look into the I/O errors wrapped in one another.
        let mut wrapped = Some(e);
        while let Some(inner) = wrapped {
            tls |= inner.is::<rustls::Error>();
            let io = inner.downcast_ref::<std::io::Error>();
            timeout |= io.is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
            wrapped = io
                .and_then(std::io::Error::get_ref)
                .map(|inner| inner as &(dyn StdError + 'static));
        }
        // hyper-util's connector names a failed lookup so (its error type is private).
        dns |= e.to_string() == "dns error";
        current = e.source();
    }
    if dns {
        CredentialErrorKind::Dns
    } else if tls {
        CredentialErrorKind::Tls
    } else if timeout {
        CredentialErrorKind::Timeout
    } else if error.is_connect() {
        CredentialErrorKind::Connect
    } else {
        CredentialErrorKind::Transport
    }
}

/// The authority host that [`LoopbackIdentity`] gives the credential. It is under `.invalid`,
/// a top-level domain reserved never to exist (RFC 6761), so that no request for it can leave
/// the machine by mistake.
pub const LOOPBACK_AUTHORITY_HOST: &str = "https://login.loopback.invalid";

/// Points an `azure_identity` credential at a token endpoint on this machine, for tests and
/// offline development.
///
/// `azure_identity` refuses an authority host that is not `https`, so a local token endpoint
/// on `http://127.0.0.1:…` cannot be given to a credential as its cloud.
/// [`client_options`](Self::client_options) sets the credential's cloud to the reserved
/// authority host [`LOOPBACK_AUTHORITY_HOST`] and wraps its transport so that requests for
/// that host are sent to the loopback address instead, over plain HTTP, with their path and
/// query unchanged: a client secret credential of the tenant `contoso` posts to
/// `http://{address}/contoso/oauth2/v2.0/token`.
///
/// It cannot be misused to send a secret elsewhere: only loopback addresses are accepted
/// (`127.0.0.0/8`, `::1`), the transport refuses every request for another host, and the
/// reserved host never resolves if the options are changed afterwards. Use it in tests only;
/// production code has no reason to name it.
///
/// See [Testing sign-in offline](self#testing-sign-in-offline) and the task guide
/// [`docs::sign_in_offline`](crate::docs::sign_in_offline).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopbackIdentity {
    address: SocketAddr,
}

impl LoopbackIdentity {
    /// The token endpoint listening at `address`, such as `([127, 0, 0, 1], 8400)` or the
    /// `local_addr()` of a test server's listener.
    ///
    /// # Errors
    /// [`Error::Config`] when the address is not a loopback address.
    pub fn new(address: impl Into<SocketAddr>) -> Result<Self, Error> {
        let address = address.into();
        if !address.ip().is_loopback() {
            return Err(Error::Config(format!(
                "a loopback identity must listen on a loopback address (127.0.0.1, ::1), not {address}"
            )));
        }
        Ok(Self { address })
    }

    /// The address of the local token endpoint.
    #[must_use]
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `options` (normally those of
    /// [`ClientBuilder::azure_client_options`](super::ClientBuilder::azure_client_options))
    /// with the cloud's authority host set to [`LOOPBACK_AUTHORITY_HOST`] and their transport
    /// wrapped to send its requests to [`address`](Self::address).
    ///
    /// # Errors
    /// [`Error::Config`] when `options` have no transport.
    pub fn client_options(&self, mut options: ClientOptions) -> Result<ClientOptions, Error> {
        let inner = options.transport.take().ok_or_else(|| {
            Error::Config(
                "the credential's options have no transport: make them with \
                 ClientBuilder::azure_client_options or azure::client_options"
                    .to_owned(),
            )
        })?;
        options.transport = Some(Transport::new(Arc::new(LoopbackTransport {
            inner,
            address: self.address,
        })));
        let mut cloud = CustomConfiguration::default();
        cloud.authority_host = LOOPBACK_AUTHORITY_HOST.to_owned();
        options.cloud = Some(Arc::new(CloudConfiguration::from(cloud)));
        Ok(options)
    }
}

/// Sends requests for [`LOOPBACK_AUTHORITY_HOST`] to a loopback address, and no others.
#[derive(Debug)]
struct LoopbackTransport {
    inner: Transport,
    address: SocketAddr,
}

impl LoopbackTransport {
    /// The loopback URL of a request for [`LOOPBACK_AUTHORITY_HOST`], or `None` for any other.
    fn local_url(&self, url: &Url) -> Option<Url> {
        let authority = Url::parse(LOOPBACK_AUTHORITY_HOST).ok()?;
        if url.origin() != authority.origin() {
            return None;
        }
        let mut local = Url::parse(&format!("http://{}", self.address)).ok()?;
        local.set_path(url.path());
        local.set_query(url.query());
        Some(local)
    }
}

#[async_trait]
impl HttpClient for LoopbackTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let Some(local) = self.local_url(request.url()) else {
            return Err(azure_core::Error::with_message(
                ErrorKind::Other,
                format!(
                    "the loopback identity only sends requests for {LOOPBACK_AUTHORITY_HOST}, not for {}",
                    request.url().origin().ascii_serialization()
                ),
            ));
        };
        let mut request = request.clone();
        *request.url_mut() = local;
        self.inner.send(&Context::new(), &mut request).await
    }
}

/// Where the token cache reads the time (UTC). Replaced in tests to move time forward.
#[doc(hidden)]
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The scope of Graph at `base`: its origin followed by `/.default`.
pub(crate) fn graph_scope(base: &reqwest::Url) -> String {
    format!("{}/.default", base.origin().ascii_serialization())
}

/// A cached token and when to refresh it.
#[derive(Clone)]
struct Cached {
    token: Secret,
    expires_on: OffsetDateTime,
    refresh_at: OffsetDateTime,
}

impl fmt::Debug for Cached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cached")
            .field("token", &"<redacted>")
            .field("expires_on", &self.expires_on)
            .field("refresh_at", &self.refresh_at)
            .finish()
    }
}

/// When a token that expires at `expires_on`, obtained at `now`, is to be refreshed:
/// [`REFRESH_MARGIN`] before it expires, or half its lifetime before if that is shorter.
fn refresh_time(now: OffsetDateTime, expires_on: OffsetDateTime) -> OffsetDateTime {
    let lifetime = expires_on - now;
    if lifetime <= time::Duration::ZERO {
        return expires_on;
    }
    let margin = time::Duration::try_from(REFRESH_MARGIN)
        .unwrap_or(time::Duration::MAX)
        .min(lifetime / 2);
    expires_on - margin
}

/// The [`TokenSource`] of a client signed in with a [`TokenCredential`]: caches the token
/// and refreshes it before it expires, one refresh at a time, retrying failures that can pass.
pub(crate) struct CredentialTokenSource {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    /// The last token, read without waiting.
    cached: Mutex<Option<Cached>>,
    /// Held while the credential is asked, so that only one request asks at a time.
    refresh: tokio::sync::Mutex<()>,
}

impl fmt::Debug for CredentialTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The credential is not shown: its `Debug` is not ours to trust.
        f.debug_struct("CredentialTokenSource")
            .field("scope", &self.scope)
            .field("retry", &self.retry)
            .field("cached", &self.cached())
            .finish_non_exhaustive()
    }
}

impl CredentialTokenSource {
    pub(crate) fn new(
        credential: Arc<dyn TokenCredential>,
        scope: String,
        clock: Arc<dyn Clock>,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            credential,
            scope,
            clock,
            retry,
            cached: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    fn cached(&self) -> Option<Cached> {
        self.cached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The cached token, if it is not yet due for refresh at `now`.
    fn fresh(&self, now: OffsetDateTime) -> Option<String> {
        self.cached()
            .filter(|c| now < c.refresh_at)
            .map(|c| c.token.secret().to_owned())
    }

    /// Asks the credential, retrying a failure that can pass as the policy allows (`retry`
    /// false: once).
    async fn ask(&self, retry: bool) -> Result<AccessToken, CredentialError> {
        let mut attempts = 0;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let error = match self.credential.get_token(&[&self.scope], None).await {
                Ok(token) => return Ok(token),
                Err(error) => CredentialError::from_azure(&error, attempts),
            };
            let wait = if retry && error.is_transient() {
                self.retry.next_wait(attempts, error.retry_after, waited)
            } else {
                None
            };
            let Some(wait) = wait else {
                return Err(error);
            };
            tracing::info!(
                target: super::TARGET,
                scope = %self.scope,
                attempt = attempts,
                kind = %error.kind,
                ?wait,
                "retrying the sign-in"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    async fn get(&self) -> Result<String, BoxError> {
        if let Some(token) = self.fresh(self.clock.now()) {
            return Ok(token);
        }
        let _refreshing = self.refresh.lock().await;
        // Another request may have refreshed the token while this one waited.
        let now = self.clock.now();
        if let Some(token) = self.fresh(now) {
            return Ok(token);
        }
        let previous = self.cached();
        // With a token that is still valid, a failed refresh is not worth a wait.
        let usable = previous.as_ref().is_some_and(|p| now < p.expires_on);
        match self.ask(!usable).await {
            Ok(AccessToken { token, expires_on }) => {
                let refresh_at = refresh_time(now, expires_on);
                if previous.is_some() {
                    tracing::debug!(target: super::TARGET, scope = %self.scope, %expires_on, %refresh_at, "access token refreshed");
                } else {
                    tracing::debug!(target: super::TARGET, scope = %self.scope, %expires_on, %refresh_at, "access token acquired");
                }
                let value = token.secret().to_owned();
                *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(Cached {
                    token,
                    expires_on,
                    refresh_at,
                });
                Ok(value)
            }
            Err(error) => match previous {
                Some(previous) if now < previous.expires_on => {
                    tracing::warn!(
                        target: super::TARGET,
                        scope = %self.scope,
                        %error,
                        expires_on = %previous.expires_on,
                        "cannot refresh the access token; sending the cached one until it expires"
                    );
                    Ok(previous.token.secret().to_owned())
                }
                _ => {
                    tracing::warn!(target: super::TARGET, scope = %self.scope, %error, "cannot get an access token");
                    Err(Box::new(error))
                }
            },
        }
    }
}

impl TokenSource for CredentialTokenSource {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.get())
    }
}

/// What kind of failure a [`CredentialError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialErrorKind {
    /// The identity endpoint's host name could not be resolved.
    Dns,
    /// No connection could be opened to the identity endpoint (refused, unreachable, or not
    /// opened in time).
    Connect,
    /// The TLS handshake with the identity endpoint failed (certificate, protocol).
    Tls,
    /// The identity endpoint did not answer in time.
    Timeout,
    /// The request or its answer was cut off after the connection was opened.
    Transport,
    /// The identity endpoint answered with an error status (see [`CredentialError::status`]
    /// and [`CredentialError::error_codes`]).
    Status,
    /// The identity endpoint's answer could not be read.
    Unreadable,
    /// The credential failed without an answer of the identity endpoint, for a reason of its
    /// own (an Azure CLI that is not installed, a missing environment variable, a transport
    /// that is not this crate's).
    Other,
}

impl CredentialErrorKind {
    /// What a [`CredentialError`] of this kind says after the credential's name (for
    /// [`Status`](Self::Status) and [`Other`](Self::Other), more is said).
    fn describe(self) -> &'static str {
        match self {
            Self::Dns => "DNS lookup of the identity endpoint failed",
            Self::Connect => "could not connect to the identity endpoint",
            Self::Tls => "TLS handshake with the identity endpoint failed",
            Self::Timeout => "the identity endpoint did not answer in time",
            Self::Transport => "the exchange with the identity endpoint was cut off",
            Self::Status => "the identity endpoint answered with an error",
            Self::Unreadable => {
                "the identity endpoint's answer could not be read; it is not shown, as it may hold a token"
            }
            Self::Other => "the credential failed",
        }
    }
}

impl fmt::Display for CredentialErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Dns => "dns",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::Status => "status",
            Self::Unreadable => "unreadable",
            Self::Other => "other",
        })
    }
}

/// Why a [`TokenCredential`] gave no access token, found as the source of
/// [`Error::Token`].
///
/// It keeps what can be told without risk of showing a secret: the credential's name, the
/// [kind](Self::kind) of failure, the number of [attempts](Self::attempts), the HTTP status
/// and Entra ID error codes (`AADSTS` numbers) when the identity endpoint answered with an
/// error, or else the credential's own message for a failure of its own (an Azure CLI that is
/// not installed). The endpoint's error description and body are left out, as they can repeat
/// what was sent (a client secret, an assertion), and so are messages about an answer that
/// could not be read, as they can quote it (an access token).
///
/// Its `Display` names the kind of failure; when the credential's request failed in this
/// crate's transport (see [`client_options`]), its [`source`](StdError::source) is that
/// `reqwest::Error` (its URL without query), whose own sources name the root cause, such as
/// `Connection refused` or the TLS alert. Otherwise it has no source: the credential's error
/// holds the raw response.
#[derive(Clone, Debug)]
pub struct CredentialError {
    credential: Option<String>,
    kind: CredentialErrorKind,
    attempts: u32,
    status: Option<http::StatusCode>,
    error_codes: Option<String>,
    /// The identity endpoint's `Retry-After`, in seconds, for the retry.
    retry_after: Option<Duration>,
    /// The credential's message, for [`CredentialErrorKind::Other`] and transport failures
    /// outside this crate's transport.
    message: Option<String>,
    transport: Option<Arc<reqwest::Error>>,
}

impl CredentialError {
    /// The redacted form of a credential's error, after `attempts` attempts.
    fn from_azure(error: &azure_core::Error, attempts: u32) -> Self {
        let mut status = None;
        let mut error_codes = None;
        let mut retry_after = None;
        let mut unreadable = false;
        let mut azure_kind = None;
        let mut transport: Option<&TransportFailure> = None;
        let mut current: Option<&(dyn StdError + 'static)> = Some(error);
        while let Some(e) = current {
            if let Some(failure) = e.downcast_ref::<TransportFailure>() {
                transport.get_or_insert(failure);
            }
            if let Some(e) = e.downcast_ref::<azure_core::Error>() {
                match e.kind() {
                    ErrorKind::HttpResponse {
                        status: s,
                        error_code,
                        raw_response,
                    } => {
                        status = status.or_else(|| http::StatusCode::from_u16(u16::from(*s)).ok());
                        // Entra ID's codes are numbers; anything else is not kept.
                        if let Some(codes) = error_code.as_deref().filter(|c| {
                            !c.is_empty()
                                && c.len() <= 64
                                && c.chars().all(|ch| ch.is_ascii_digit() || ch == ',')
                        }) {
                            error_codes.get_or_insert_with(|| codes.to_owned());
                        }
                        retry_after = retry_after.or_else(|| {
                            raw_response
                                .as_ref()?
                                .headers()
                                .get_optional_str(&RETRY_AFTER)?
                                .trim()
                                .parse::<u64>()
                                .ok()
                                .map(Duration::from_secs)
                        });
                    }
                    ErrorKind::DataConversion => unreadable = true,
                    ErrorKind::Connection | ErrorKind::Io => {
                        azure_kind.get_or_insert(e.kind().clone());
                    }
                    _ => {}
                }
            }
            current = e.source();
        }
        let text = error.to_string();
        // `azure_identity` starts its messages with "{Credential} authentication failed.".
        let (credential, rest) = match text.split_once(" authentication failed") {
            Some((name, rest))
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                (Some(name.to_owned()), rest.trim_start_matches('.').trim())
            }
            _ => (None, text.trim()),
        };
        let kind = if status.is_some() {
            CredentialErrorKind::Status
        } else if let Some(failure) = transport {
            failure.kind
        } else if unreadable {
            CredentialErrorKind::Unreadable
        } else {
            match azure_kind {
                Some(ErrorKind::Connection) => CredentialErrorKind::Connect,
                Some(ErrorKind::Io) => CredentialErrorKind::Transport,
                _ => CredentialErrorKind::Other,
            }
        };
        let transport = transport
            .filter(|_| status.is_none())
            .map(|failure| failure.error.clone());
        let message = (transport.is_none()
            && !matches!(
                kind,
                CredentialErrorKind::Status | CredentialErrorKind::Unreadable
            ))
        .then(|| rest.to_owned());
        Self {
            credential,
            kind,
            attempts,
            status,
            error_codes,
            retry_after,
            message,
            transport,
        }
    }

    /// Whether another attempt may succeed: a failure of the network or the endpoint's
    /// `408`, `429`, `500`, `502`, `503` or `504`.
    fn is_transient(&self) -> bool {
        match self.kind {
            CredentialErrorKind::Dns
            | CredentialErrorKind::Connect
            | CredentialErrorKind::Timeout
            | CredentialErrorKind::Transport => true,
            CredentialErrorKind::Status => self
                .status
                .is_some_and(|s| matches!(s.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)),
            _ => false,
        }
    }

    /// The credential's type name, such as `ClientSecretCredential`, when it gave it.
    #[must_use]
    pub fn credential(&self) -> Option<&str> {
        self.credential.as_deref()
    }

    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> CredentialErrorKind {
        self.kind
    }

    /// How many times the credential was asked (see [Retries](self#retries)).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The HTTP status of the identity endpoint's error answer.
    #[must_use]
    pub fn status(&self) -> Option<http::StatusCode> {
        self.status
    }

    /// Entra ID's error codes (such as `7000215` for an invalid client secret, comma
    /// separated), when the endpoint gave them.
    #[must_use]
    pub fn error_codes(&self) -> Option<&str> {
        self.error_codes.as_deref()
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.credential {
            Some(name) => write!(f, "{name} authentication failed")?,
            None => f.write_str("the credential failed")?,
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        f.write_str(": ")?;
        if let Some(message) = &self.message {
            return f.write_str(message);
        }
        match self.kind {
            CredentialErrorKind::Status => {
                match self.status {
                    Some(status) => write!(f, "the identity endpoint answered HTTP {status}")?,
                    None => f.write_str(self.kind.describe())?,
                }
                if let Some(codes) = &self.error_codes {
                    write!(f, " (error codes {codes})")?;
                }
                f.write_str("; its description is not shown, as it may repeat what was sent")
            }
            kind => f.write_str(kind.describe()),
        }
    }
}

impl StdError for CredentialError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.transport
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicUsize, Ordering};

    use azure_core::credentials::TokenRequestOptions;
    use futures_util::future::join_all;
    use time::macros::datetime;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// Held by the tests that reach this module's `tracing` call sites. tracing caches, per
    /// call site, whether any subscriber wants it, computed when the site is first reached: a
    /// site first reached on another test's thread while the recording subscriber is being
    /// installed can keep a stale "no one listens". Running those tests one at a time (and
    /// rebuilding the cache under the recorder) makes the logging test deterministic.
    static CALLSITES: Mutex<()> = Mutex::new(());

    fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
        CALLSITES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[test]
    fn the_scope_is_the_origin_of_the_graph_endpoint() {
        let scope = |root: &str| graph_scope(&reqwest::Url::parse(root).unwrap());
        for (root, expected) in [
            (
                "https://graph.microsoft.com",
                "https://graph.microsoft.com/.default",
            ),
            (
                "https://graph.microsoft.us",
                "https://graph.microsoft.us/.default",
            ),
            (
                "https://dod-graph.microsoft.us/",
                "https://dod-graph.microsoft.us/.default",
            ),
            (
                "https://microsoftgraph.chinacloudapi.cn",
                "https://microsoftgraph.chinacloudapi.cn/.default",
            ),
            // Host case, a default port and a path do not change the scope.
            (
                "https://GRAPH.microsoft.com:443/proxy",
                "https://graph.microsoft.com/.default",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/.default"),
        ] {
            assert_eq!(scope(root), expected, "{root}");
        }
    }

    #[test]
    fn refresh_comes_a_margin_or_half_the_lifetime_before_expiry() {
        let now = datetime!(2026-01-01 12:00 UTC);
        assert_eq!(
            refresh_time(now, datetime!(2026-01-01 13:00 UTC)),
            datetime!(2026-01-01 12:55 UTC)
        );
        assert_eq!(
            refresh_time(now, datetime!(2026-01-01 12:04 UTC)),
            datetime!(2026-01-01 12:02 UTC)
        );
        let past = datetime!(2026-01-01 11:00 UTC);
        assert_eq!(refresh_time(now, past), past);
    }

    /// A clock that stands still at a fixed time.
    struct FixedClock(OffsetDateTime);

    impl Clock for FixedClock {
        fn now(&self) -> OffsetDateTime {
            self.0
        }
    }

    /// Counts its calls and answers once `gate` is opened.
    #[derive(Debug)]
    struct Gated {
        calls: AtomicUsize,
        gate: tokio::sync::Semaphore,
        answer: Result<OffsetDateTime, &'static str>,
    }

    #[async_trait]
    impl TokenCredential for Gated {
        async fn get_token(
            &self,
            scopes: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            assert_eq!(scopes, ["https://graph.microsoft.com/.default"]);
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let _permit = self.gate.acquire().await.unwrap();
            match self.answer {
                Ok(expires_on) => Ok(AccessToken::new(format!("token-{n}"), expires_on)),
                Err(message) => Err(azure_core::Error::with_message(
                    ErrorKind::Credential,
                    message,
                )),
            }
        }
    }

    fn gated_source(
        answer: Result<OffsetDateTime, &'static str>,
    ) -> (Arc<Gated>, CredentialTokenSource) {
        let credential = Arc::new(Gated {
            calls: AtomicUsize::new(0),
            gate: tokio::sync::Semaphore::new(0),
            answer,
        });
        let source = CredentialTokenSource::new(
            credential.clone(),
            "https://graph.microsoft.com/.default".to_owned(),
            Arc::new(FixedClock(datetime!(2026-01-01 12:00 UTC))),
            default_credential_retry(),
        );
        (credential, source)
    }

    #[test]
    fn concurrent_requests_share_one_refresh() {
        let _serial = one_at_a_time();
        let (credential, source) = gated_source(Ok(datetime!(2026-01-01 13:00 UTC)));
        let tokens = block_on(async {
            let requests = join_all((0..8).map(|_| source.token()));
            let open = async {
                // Let every request start and wait before the credential answers.
                for _ in 0..16 {
                    tokio::task::yield_now().await;
                }
                assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
                credential.gate.add_permits(100);
            };
            tokio::join!(requests, open).0
        });
        assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
        assert!(tokens.iter().all(|t| t.as_deref().ok() == Some("token-1")));
        let text = format!("{source:?}");
        assert!(
            !text.contains("token-1") && text.contains("<redacted>"),
            "{text}"
        );
    }

    /// Records the events it is given as text: level, message and fields.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl tracing::Subscriber for Recorder {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            struct Fields(String);
            impl tracing::field::Visit for Fields {
                fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
                    self.0.push_str(&format!(" {}={value:?}", field.name()));
                }
            }
            let mut fields = Fields(event.metadata().level().to_string());
            event.record(&mut fields);
            self.0.lock().unwrap().push(fields.0);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[test]
    fn acquisition_and_refresh_are_logged_with_the_expiry_only() {
        let _serial = one_at_a_time();
        let recorder = Arc::new(Recorder::default());
        let (credential, source) = gated_source(Ok(datetime!(2026-01-01 13:00 UTC)));
        credential.gate.add_permits(100);
        tracing::subscriber::with_default(recorder.clone(), || {
            tracing::callsite::rebuild_interest_cache();
            block_on(async {
                assert_eq!(source.token().await.unwrap(), "token-1");
                // Cached: no event.
                assert_eq!(source.token().await.unwrap(), "token-1");
                // Due for refresh.
                source.cached.lock().unwrap().as_mut().unwrap().refresh_at =
                    datetime!(2026-01-01 11:00 UTC);
                assert_eq!(source.token().await.unwrap(), "token-2");
            });
        });
        let events = recorder.0.lock().unwrap().clone();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(
            events[0].starts_with("DEBUG message=access token acquired"),
            "{events:?}"
        );
        assert!(
            events[1].starts_with("DEBUG message=access token refreshed"),
            "{events:?}"
        );
        for event in &events {
            assert!(
                event.contains("expires_on=2026-01-01 13:00:00.0 +00:00:00"),
                "{event}"
            );
            assert!(
                event.contains("refresh_at=2026-01-01 12:55:00.0 +00:00:00"),
                "{event}"
            );
            assert!(!event.contains("token-"), "{event}");
        }

        // A failure is a warning with the redacted error.
        let recorder = Arc::new(Recorder::default());
        let (credential, source) = gated_source(Err("az: not found on PATH"));
        credential.gate.add_permits(100);
        tracing::subscriber::with_default(recorder.clone(), || {
            tracing::callsite::rebuild_interest_cache();
            assert!(block_on(source.token()).is_err());
        });
        let events = recorder.0.lock().unwrap().clone();
        assert_eq!(
            events,
            [
                "WARN message=cannot get an access token scope=https://graph.microsoft.com/.default error=the credential failed: az: not found on PATH"
            ]
        );
    }

    #[test]
    fn failures_are_redacted_and_not_cached() {
        let _serial = one_at_a_time();
        let (credential, source) = gated_source(Err("az: not found on PATH"));
        credential.gate.add_permits(100);
        for n in 1..=2 {
            let err = block_on(source.token()).unwrap_err();
            assert_eq!(
                err.to_string(),
                "the credential failed: az: not found on PATH"
            );
            let err = err.downcast::<CredentialError>().unwrap();
            assert_eq!(err.status(), None);
            assert_eq!(credential.calls.load(Ordering::SeqCst), n);
        }
    }

    #[test]
    fn a_failed_refresh_keeps_the_unexpired_token() {
        let _serial = one_at_a_time();
        let (credential, source) = gated_source(Err("unreachable"));
        credential.gate.add_permits(100);
        // A token due for refresh (at 11:57:30) that expires at 12:00:30.
        *source.cached.lock().unwrap() = Some(Cached {
            token: Secret::new("old"),
            expires_on: datetime!(2026-01-01 12:00:30 UTC),
            refresh_at: datetime!(2026-01-01 11:57:30 UTC),
        });
        assert_eq!(block_on(source.token()).unwrap(), "old");
        assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
        // Expired: the failure is the answer.
        source.cached.lock().unwrap().as_mut().unwrap().expires_on =
            datetime!(2026-01-01 12:00 UTC);
        assert!(block_on(source.token()).is_err());
        assert_eq!(credential.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn http_errors_keep_status_and_codes_only() {
        let response = azure_core::Error::new(
            ErrorKind::HttpResponse {
                status: azure_core::http::StatusCode::BadRequest,
                error_code: Some("7000215".to_owned()),
                raw_response: None,
            },
            "AADSTS7000215: Invalid client secret provided: s3cret-value",
        );
        let error = azure_core::Error::with_error(
            ErrorKind::Credential,
            response,
            "ClientSecretCredential authentication failed. AADSTS7000215: Invalid client secret provided: s3cret-value",
        );
        let redacted = CredentialError::from_azure(&error, 1);
        assert_eq!(redacted.credential(), Some("ClientSecretCredential"));
        assert_eq!(redacted.status(), Some(http::StatusCode::BAD_REQUEST));
        assert_eq!(redacted.error_codes(), Some("7000215"));
        let text = format!("{redacted} {redacted:?}");
        assert!(!text.contains("s3cret"), "{text}");
        assert_eq!(
            redacted.to_string(),
            "ClientSecretCredential authentication failed: the identity endpoint answered HTTP 400 Bad Request (error codes 7000215); its description is not shown, as it may repeat what was sent"
        );

        let unreadable = azure_core::Error::with_message(
            ErrorKind::DataConversion,
            "invalid type: string \"eyJ0eXAi\", expected i64",
        );
        let redacted = CredentialError::from_azure(&unreadable, 1);
        assert!(!redacted.to_string().contains("eyJ0"), "{redacted}");
        assert!(!format!("{redacted:?}").contains("eyJ0"), "{redacted:?}");

        // As the client returns it: the client's context, then the credential's words once.
        for error in [
            CredentialError::from_azure(&error, 1),
            CredentialError::from_azure(&unreadable, 1),
        ] {
            let error = crate::client::Error::Token(Box::new(error));
            crate::client::testing::assert_each_cause_once(&error);
        }
    }

    /// Fails every time with the error `make` gives, counting its calls.
    #[derive(Debug)]
    struct Failing {
        calls: AtomicUsize,
        make: fn() -> azure_core::Error,
    }

    #[async_trait]
    impl TokenCredential for Failing {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Err((self.make)())
        }
    }

    fn failing_source(
        make: fn() -> azure_core::Error,
        retry: RetryPolicy,
    ) -> (Arc<Failing>, CredentialTokenSource) {
        let credential = Arc::new(Failing {
            calls: AtomicUsize::new(0),
            make,
        });
        let source = CredentialTokenSource::new(
            credential.clone(),
            "https://graph.microsoft.com/.default".to_owned(),
            Arc::new(FixedClock(datetime!(2026-01-01 12:00 UTC))),
            retry,
        );
        (credential, source)
    }

    /// Runs `future` on a runtime whose clock is paused: sleeps end at once, and
    /// `tokio::time::Instant` tells how long they would have taken.
    fn block_on_paused<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(future)
    }

    fn connection_refused() -> azure_core::Error {
        azure_core::Error::with_message(ErrorKind::Connection, "connection refused")
    }

    /// An answer of the identity endpoint with `status`, `codes` and a `Retry-After` of 2 s.
    fn answered(status: azure_core::http::StatusCode, codes: &str) -> azure_core::Error {
        let mut headers = Headers::new();
        headers.insert(RETRY_AFTER, "2");
        azure_core::Error::with_error(
            ErrorKind::Credential,
            azure_core::Error::new(
                ErrorKind::HttpResponse {
                    status,
                    error_code: Some(codes.to_owned()),
                    raw_response: Some(Box::new(azure_core::http::RawResponse::from_bytes(
                        status, headers, "",
                    ))),
                },
                "AADSTS: the description",
            ),
            "ClientSecretCredential authentication failed. AADSTS: the description",
        )
    }

    #[test]
    fn passing_failures_are_retried_within_the_default_bound() {
        let _serial = one_at_a_time();
        let (credential, source) = failing_source(connection_refused, default_credential_retry());
        let (err, waited) = block_on_paused(async {
            let start = tokio::time::Instant::now();
            let err = source.token().await.unwrap_err();
            (err, start.elapsed())
        });
        assert_eq!(credential.calls.load(Ordering::SeqCst), 4);
        let err = err.downcast::<CredentialError>().unwrap();
        assert_eq!(err.attempts(), 4);
        assert_eq!(err.kind(), CredentialErrorKind::Connect);
        assert_eq!(
            err.to_string(),
            "the credential failed after 4 attempts: connection refused"
        );
        // Equal jitter: each wait is between half and all of 0.5 s, 1 s and 2 s.
        assert!(
            (Duration::from_millis(1750)..=Duration::from_millis(3500)).contains(&waited),
            "{waited:?}"
        );
        assert!(waited <= DEFAULT_CREDENTIAL_TOTAL_WAIT);
    }

    #[test]
    fn the_total_wait_bounds_the_retries() {
        let _serial = one_at_a_time();
        // Waits of 0.5 s, then 1 s: the second would go past a budget of 1 s.
        let policy = RetryPolicy::default()
            .max_attempts(10)
            .base_delay(Duration::from_millis(500))
            .jitter(super::super::Jitter::None)
            .max_total_wait(Duration::from_secs(1));
        let (credential, source) = failing_source(connection_refused, policy);
        let (err, waited) = block_on_paused(async {
            let start = tokio::time::Instant::now();
            let err = source.token().await.unwrap_err();
            (err, start.elapsed())
        });
        assert_eq!(credential.calls.load(Ordering::SeqCst), 2);
        assert_eq!(waited, Duration::from_millis(500));
        assert_eq!(err.downcast::<CredentialError>().unwrap().attempts(), 2);

        // RetryPolicy::never: once.
        let (credential, source) = failing_source(connection_refused, RetryPolicy::never());
        assert!(block_on_paused(source.token()).is_err());
        assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn rejections_fail_at_once_and_throttling_waits_for_retry_after() {
        let _serial = one_at_a_time();
        let (credential, source) = failing_source(
            || answered(azure_core::http::StatusCode::Unauthorized, "7000215"),
            default_credential_retry(),
        );
        let err = block_on_paused(source.token()).unwrap_err();
        assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
        let err = err.downcast::<CredentialError>().unwrap();
        assert_eq!(
            (err.kind(), err.attempts(), err.error_codes()),
            (CredentialErrorKind::Status, 1, Some("7000215"))
        );

        let policy = RetryPolicy::default()
            .max_attempts(2)
            .base_delay(Duration::from_millis(10))
            .jitter(super::super::Jitter::None);
        let (credential, source) = failing_source(
            || answered(azure_core::http::StatusCode::TooManyRequests, "50196"),
            policy,
        );
        let (err, waited) = block_on_paused(async {
            let start = tokio::time::Instant::now();
            let err = source.token().await.unwrap_err();
            (err, start.elapsed())
        });
        assert_eq!(credential.calls.load(Ordering::SeqCst), 2);
        assert_eq!(waited, Duration::from_secs(2), "Retry-After: 2");
        assert_eq!(
            err.to_string(),
            "ClientSecretCredential authentication failed after 2 attempts: the identity endpoint answered HTTP 429 Too Many Requests (error codes 50196); its description is not shown, as it may repeat what was sent"
        );
    }

    #[test]
    fn a_refresh_with_a_valid_token_left_is_asked_once() {
        let _serial = one_at_a_time();
        let (credential, source) = failing_source(connection_refused, default_credential_retry());
        *source.cached.lock().unwrap() = Some(Cached {
            token: Secret::new("old"),
            expires_on: datetime!(2026-01-01 12:00:30 UTC),
            refresh_at: datetime!(2026-01-01 11:57:30 UTC),
        });
        assert_eq!(block_on_paused(source.token()).unwrap(), "old");
        assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
    }

    fn reqwest_transport(http: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport {
            http,
            timeout: Duration::from_secs(30),
        }
    }

    /// The redacted error of a POST to `url` through `transport`.
    async fn failed_post(transport: &dyn HttpClient, url: &str) -> CredentialError {
        let request = Request::new(Url::parse(url).unwrap(), azure_core::http::Method::Post);
        let error = transport.execute_request(&request).await.unwrap_err();
        CredentialError::from_azure(&error, 1)
    }

    /// The error's sources, each as `Display` text, and whether one is an I/O error of `kind`.
    fn sources(error: &CredentialError, kind: std::io::ErrorKind) -> (String, bool) {
        let (mut text, mut found) = (String::new(), false);
        let mut current = error.source();
        while let Some(e) = current {
            text.push_str(&format!("\n{e}"));
            found |= e
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == kind);
            current = e.source();
        }
        (text, found)
    }

    #[test]
    fn transport_failures_name_their_kind_and_keep_their_cause() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let http = super::super::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        block_on(async {
            // A closed port: nothing listens there once the listener is dropped.
            let closed = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap();
            let url = format!("http://{closed}/contoso/oauth2/v2.0/token?secret=s3cret");
            let error = failed_post(&reqwest_transport(http.clone()), &url).await;
            assert_eq!(error.kind(), CredentialErrorKind::Connect);
            assert_eq!(
                error.to_string(),
                "the credential failed: could not connect to the identity endpoint"
            );
            let (chain, refused) = sources(&error, std::io::ErrorKind::ConnectionRefused);
            assert!(refused, "{chain}");
            let cause = error.source().unwrap().downcast_ref::<reqwest::Error>();
            assert_eq!(cause.and_then(|e| e.url()).map(|u| u.query()), Some(None));
            assert!(!format!("{error:?}{chain}").contains("s3cret"));
            assert!(error.is_transient());

            // TLS: a server that answers the ClientHello with plain text.
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap();
            let server = tokio::spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut hello = [0; 512];
                let _ = stream.read(&mut hello).await;
                let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                let _ = stream.read(&mut hello).await;
            });
            let url = format!("https://{address}/contoso/oauth2/v2.0/token");
            let error = failed_post(&reqwest_transport(http.clone()), &url).await;
            server.await.unwrap();
            assert_eq!(error.kind(), CredentialErrorKind::Tls, "{error:?}");
            assert_eq!(
                error.to_string(),
                "the credential failed: TLS handshake with the identity endpoint failed"
            );
            assert!(!error.is_transient());

            // DNS: a resolver that knows no name.
            struct NoNames;
            impl reqwest::dns::Resolve for NoNames {
                fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
                    Box::pin(async {
                        Err(
                            std::io::Error::new(std::io::ErrorKind::NotFound, "no such host")
                                .into(),
                        )
                    })
                }
            }
            let resolving = super::super::http_client_builder()
                .unwrap()
                .dns_resolver(NoNames)
                .build()
                .unwrap();
            let url = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token";
            let error = failed_post(&reqwest_transport(resolving), url).await;
            assert_eq!(error.kind(), CredentialErrorKind::Dns, "{error:?}");
            assert_eq!(
                error.to_string(),
                "the credential failed: DNS lookup of the identity endpoint failed"
            );
            let (chain, not_found) = sources(&error, std::io::ErrorKind::NotFound);
            assert!(not_found && chain.contains("no such host"), "{chain}");
        });
    }

    #[test]
    fn an_endpoint_that_does_not_answer_is_a_timeout() {
        use tokio::io::AsyncReadExt;

        let http = super::super::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        // The clock is paused: the timeout fires as soon as the runtime has nothing to do.
        block_on_paused(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap();
            let _server = tokio::spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut request = [0; 1024];
                while stream.read(&mut request).await.is_ok_and(|n| n > 0) {}
            });
            let url = format!("http://{address}/contoso/oauth2/v2.0/token");
            let error = failed_post(&reqwest_transport(http), &url).await;
            assert_eq!(error.kind(), CredentialErrorKind::Timeout, "{error:?}");
            assert!(error.is_transient());
        });
    }

    #[test]
    fn a_loopback_identity_takes_loopback_addresses_only() {
        let identity = LoopbackIdentity::new(([127, 0, 0, 1], 8400)).unwrap();
        assert_eq!(identity.address(), SocketAddr::from(([127, 0, 0, 1], 8400)));
        assert!(LoopbackIdentity::new((std::net::Ipv6Addr::LOCALHOST, 8400)).is_ok());
        for address in [[10, 0, 0, 1], [0, 0, 0, 0], [20, 190, 151, 68]] {
            let err = LoopbackIdentity::new((address, 443)).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
        }
        // Options without a transport cannot be redirected.
        let err = identity
            .client_options(ClientOptions::default())
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }

    #[test]
    fn the_loopback_transport_redirects_its_authority_only() {
        let http = super::super::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        let options = LoopbackIdentity::new(([127, 0, 0, 1], 8400))
            .unwrap()
            .client_options(client_options(&http, None))
            .unwrap();
        match options.cloud.as_deref() {
            Some(CloudConfiguration::Custom(cloud)) => {
                assert_eq!(cloud.authority_host, LOOPBACK_AUTHORITY_HOST);
            }
            other => panic!("{other:?}"),
        }
        let transport = LoopbackTransport {
            inner: Transport::new(Arc::new(reqwest_transport(http))),
            address: ([127, 0, 0, 1], 8400).into(),
        };
        let local = |url: &str| {
            transport
                .local_url(&Url::parse(url).unwrap())
                .map(String::from)
        };
        assert_eq!(
            local("https://login.loopback.invalid/contoso/oauth2/v2.0/token?a=b").as_deref(),
            Some("http://127.0.0.1:8400/contoso/oauth2/v2.0/token?a=b")
        );
        for other in [
            "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
            "http://login.loopback.invalid/contoso/oauth2/v2.0/token",
            "https://login.loopback.invalid:8443/contoso/oauth2/v2.0/token",
        ] {
            assert_eq!(local(other), None, "{other}");
        }
        let error = block_on(failed_post(
            &transport,
            "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
        ));
        assert_eq!(error.kind(), CredentialErrorKind::Other);
        assert_eq!(
            error.to_string(),
            "the credential failed: the loopback identity only sends requests for https://login.loopback.invalid, not for https://login.microsoftonline.com"
        );
    }
}
