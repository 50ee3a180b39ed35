//! Microsoft Entra ID sign-in (cargo feature `azure-identity`): the client gets its access
//! token from any [`TokenCredential`] of Microsoft's `azure_identity` crate and keeps it until
//! shortly before it expires.
//!
//! The feature adds `azure_core` and `azure_identity` (without their default features) and
//! needs Rust 1.88, their minimum; the rest of the crate keeps its own.
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
//! # Secrets
//!
//! The token is never written to `Debug` or `Display` output, an error or a log line. A
//! failure of the credential becomes [`Error::Token`](super::Error::Token) holding a
//! [`CredentialError`], which keeps what the failure was but no text that may hold a secret
//! (see there).
//!
//! # Logging
//!
//! With a `tracing` subscriber, each token acquisition and refresh is a `DEBUG` event with the
//! token's expiry time and when it will be refreshed (never the token), and a failed one a
//! `WARN` event with the redacted error.

use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential};
use azure_core::error::ErrorKind;
use azure_core::http::headers::Headers;
use azure_core::http::{AsyncRawResponse, Body, ClientOptions, HttpClient, Request, Transport};
use time::OffsetDateTime;

use super::auth::{TokenFuture, TokenSource};
use super::error::BoxError;

/// How long before its `expires_on` a cached token is refreshed: 5 minutes (or half the
/// token's lifetime, if that is shorter).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The `ClientOptions` of an `azure_identity` credential that sends its requests with `http`
/// (its connection pool, proxy and TLS settings), allowing each at most `timeout`
/// ([`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT) when `None`).
///
/// Pass the same client to [`ClientBuilder::http_client`](super::ClientBuilder::http_client)
/// to share it with the Graph client, or use
/// [`ClientBuilder::azure_client_options`](super::ClientBuilder::azure_client_options), which
/// does both. The other options (retries, logging, cloud) keep `azure_core`'s defaults and can
/// be changed on the returned value.
#[must_use]
pub fn client_options(http: &reqwest::Client, timeout: Option<Duration>) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(Arc::new(ReqwestTransport {
            http: http.clone(),
            timeout: timeout.unwrap_or(super::DEFAULT_TIMEOUT),
        }))),
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
fn transport_error(mut error: reqwest::Error) -> azure_core::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    let kind = if error.is_connect() {
        ErrorKind::Connection
    } else {
        ErrorKind::Io
    };
    let message = format!("cannot reach the identity endpoint: {error}");
    azure_core::Error::with_error(kind, error, message)
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
/// and refreshes it before it expires, one refresh at a time.
pub(crate) struct CredentialTokenSource {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    clock: Arc<dyn Clock>,
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
            .field("cached", &self.cached())
            .finish_non_exhaustive()
    }
}

impl CredentialTokenSource {
    pub(crate) fn new(
        credential: Arc<dyn TokenCredential>,
        scope: String,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            credential,
            scope,
            clock,
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
        match self.credential.get_token(&[&self.scope], None).await {
            Ok(AccessToken { token, expires_on }) => {
                let refresh_at = refresh_time(now, expires_on);
                if previous.is_some() {
                    tracing::debug!(scope = %self.scope, %expires_on, %refresh_at, "access token refreshed");
                } else {
                    tracing::debug!(scope = %self.scope, %expires_on, %refresh_at, "access token acquired");
                }
                let value = token.secret().to_owned();
                *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(Cached {
                    token,
                    expires_on,
                    refresh_at,
                });
                Ok(value)
            }
            Err(error) => {
                let error = CredentialError::from_azure(&error);
                match previous {
                    Some(previous) if now < previous.expires_on => {
                        tracing::warn!(
                            scope = %self.scope,
                            %error,
                            expires_on = %previous.expires_on,
                            "cannot refresh the access token; sending the cached one until it expires"
                        );
                        Ok(previous.token.secret().to_owned())
                    }
                    _ => {
                        tracing::warn!(scope = %self.scope, %error, "cannot get an access token");
                        Err(Box::new(error))
                    }
                }
            }
        }
    }
}

impl TokenSource for CredentialTokenSource {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.get())
    }
}

/// Why a [`TokenCredential`] gave no access token, found as the source of
/// [`Error::Token`](super::Error::Token).
///
/// It keeps what can be told without risk of showing a secret: the credential's name, the
/// HTTP status and Entra ID error codes (`AADSTS` numbers) when the identity endpoint
/// answered with an error, or else the credential's own message for a failure that happened
/// before any answer (an Azure CLI that is not installed, an unreachable endpoint). The
/// endpoint's error description and body are left out, as they can repeat what was sent
/// (a client secret, an assertion), and so are messages about an answer that could not be
/// read, as they can quote it (an access token). It has no `source`: the credential's error
/// holds the raw response.
#[derive(Clone, Debug)]
pub struct CredentialError {
    credential: Option<String>,
    status: Option<http::StatusCode>,
    error_codes: Option<String>,
    detail: Detail,
}

/// What a [`CredentialError`] says after its credential's name.
#[derive(Clone, Debug)]
enum Detail {
    /// The identity endpoint answered with an error status.
    Status,
    /// An answer that could not be read.
    Unreadable,
    /// A failure before any answer, in the credential's words.
    Message(String),
}

impl CredentialError {
    /// The redacted form of a credential's error.
    fn from_azure(error: &azure_core::Error) -> Self {
        let mut status = None;
        let mut error_codes = None;
        let mut unreadable = false;
        let mut current: Option<&(dyn StdError + 'static)> = Some(error);
        while let Some(e) = current {
            if let Some(e) = e.downcast_ref::<azure_core::Error>() {
                match e.kind() {
                    ErrorKind::HttpResponse {
                        status: s,
                        error_code,
                        ..
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
                    }
                    ErrorKind::DataConversion => unreadable = true,
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
        let detail = if status.is_some() {
            Detail::Status
        } else if unreadable {
            Detail::Unreadable
        } else {
            Detail::Message(rest.to_owned())
        };
        Self {
            credential,
            status,
            error_codes,
            detail,
        }
    }

    /// The credential's type name, such as `ClientSecretCredential`, when it gave it.
    #[must_use]
    pub fn credential(&self) -> Option<&str> {
        self.credential.as_deref()
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
            Some(name) => write!(f, "{name} authentication failed: ")?,
            None => f.write_str("the credential failed: ")?,
        }
        match &self.detail {
            Detail::Status => {
                match self.status {
                    Some(status) => write!(f, "the identity endpoint answered HTTP {status}")?,
                    None => f.write_str("the identity endpoint answered with an error")?,
                }
                if let Some(codes) = &self.error_codes {
                    write!(f, " (error codes {codes})")?;
                }
                f.write_str("; its description is not shown, as it may repeat what was sent")
            }
            Detail::Unreadable => f.write_str(
                "the identity endpoint's answer could not be read; it is not shown, as it may hold a token",
            ),
            Detail::Message(message) => f.write_str(message),
        }
    }
}

impl StdError for CredentialError {}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicUsize, Ordering};

    use azure_core::credentials::TokenRequestOptions;
    use futures_util::future::join_all;
    use time::macros::datetime;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
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
        let redacted = CredentialError::from_azure(&error);
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
        let redacted = CredentialError::from_azure(&unreadable);
        assert!(!redacted.to_string().contains("eyJ0"), "{redacted}");
        assert!(!format!("{redacted:?}").contains("eyJ0"), "{redacted:?}");
    }
}
