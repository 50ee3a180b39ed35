//! An async HTTP client (cargo feature `client`) that sends the request values of
//! [`v1_0`](crate::v1_0) and [`beta`](crate::beta) with `reqwest`.
//!
//! - [`Client`] holds the connection pool, the Graph endpoint, the [`TokenSource`] of the
//!   access token, the [`RetryPolicy`] and the timeouts; [`Client::builder`] configures it.
//! - [`Client::v1_0`] and [`Client::beta`] start request builders whose requests carry the
//!   client, so that each can be sent with its `send` method (and lists paged with `stream`).
//!   [`Client::execute`] sends any [`Operation`], such as one built without a client.
//! - Throttling (`429`) and unavailability (`503`) are retried after the `Retry-After` delay,
//!   or an exponential backoff with jitter, within a bound on attempts and on the total wait
//!   (see [`RetryPolicy`]).
//! - [`ItemStream`] yields the items of a collection page after page, following
//!   `@odata.nextLink`; an item that does not decode is yielded as its error, in its place.
//! - [`Error`] tells apart transport failures, Graph error responses (with code, message and
//!   request id), undecodable bodies (with the JSON path), exhausted retries, token failures
//!   and requests that are not bound to a client.
//! - [`sync::SyncWait`] starts a vppToken's license sync and polls the token until the sync
//!   has finished, with backoff, a timeout and cancellation.
//!
//! # Tracing
//!
//! The client reports through [`tracing`](https://docs.rs/tracing) (no subscriber, no
//! output unless the application installs one). Every span and event has the target
//! `graph_vpptoken`, whatever module it comes from, so that one filter directive,
//! `graph_vpptoken=debug`, shows them all:
//!
//! - a span `graph.request` (`INFO`) per request, over all its attempts, with the fields
//!   `http.request.method`, `url.template` (the URL template, such as
//!   `/deviceAppManagement/vppTokens/{vppToken-id}`: never the filled-in path nor the
//!   query), and, once a response has come, `http.response.status_code` and Graph's
//!   `request_id` and `client_request_id` (the response headers `request-id` and
//!   `client-request-id`, to quote to Microsoft support);
//! - an event `request completed` (`DEBUG`) when a request has its outcome, one per request:
//!   `http.request.method`, `url.template`, the final `http.response.status_code` (when a
//!   response came), the `duration` over all attempts, Graph's `request_id`, and, for a
//!   failure without an error status, the `error` (such as
//!   `HTTP transport error: connection refused`). `DEBUG`, because a library does not fill an
//!   application's `INFO` log with every request;
//! - an event `retrying the request` (`INFO`) per retry, with the `attempt` that failed, its
//!   `http.response.status_code` and `request_id` (when a response came), the `reason`
//!   (`throttled`, `unavailable`, `connect`, `timeout`, `body_timeout`, `connection_closed`,
//!   `connection_reset`), the `wait` before the next attempt and whether it came from
//!   `Retry-After`;
//! - an event `giving up on the request` (`WARN`) when the retries ran out
//!   ([`Error::RetriesExhausted`]), with the fields of `request completed`, the `attempts`
//!   and the `reason` of the last failure;
//! - an event `read a page` (`DEBUG`) per page of an [`ItemStream`], with the `page` number,
//!   the number of `items`, whether `more` follow, and the `url.template`; and an event
//!   `cannot decode an item` (`DEBUG`) per item of it that does not decode, with the `page`
//!   number, the `item`'s index in the page and the `url.template`;
//! - an event `polled the license sync` (`DEBUG`) per poll of [`sync::SyncWait`].
//!
//! With `tracing-subscriber` (and its `env-filter` feature), a program that calls
//! `tracing_subscriber::fmt().with_env_filter("graph_vpptoken=debug").init()` prints a line
//! per request such as:
//!
//! ```text
//! 2026-01-05T10:00:00.000000Z DEBUG graph.request{url.template="/deviceAppManagement/vppTokens/{vppToken-id}" http.request.method="GET"}: graph_vpptoken: request completed http.request.method="GET" url.template="/deviceAppManagement/vppTokens/{vppToken-id}" http.response.status_code=200 duration=84.2ms request_id="3f9c2a1e-55d4-4c7b-9a0e-0d1c2b3a4f5e"
//! ```
//!
//! No span or event carries a secret: not the access token nor the `Authorization` header,
//! not a request or response body, not a next link (whose query holds a skip token).
//!
//! The access token is sent as `Authorization: Bearer …` only to URLs below the client's
//! Graph endpoint, and never appears in `Debug` or error output, nor in a log field: a
//! service that echoes it back (in an error message, `innerError`, a header or a body that
//! is not JSON) has it replaced by `[redacted]`, whether it is written as sent, JSON-escaped
//! or percent-encoded. The client remembers, for this, the last eight tokens it has sent,
//! whatever gave them (a token shorter than 8 characters, a placeholder, is not scrubbed), and scrubs them from every error it returns (the `source()` chain and
//! the [`GraphError`](crate::runtime::GraphError) body included). It is given as a string
//! ([`ClientBuilder::bearer_token`]), asked of a [`TokenSource`] before every attempt, or
//! (cargo feature `azure-identity`, see [`azure`]) obtained from a Microsoft Entra ID
//! credential of the `azure_identity` crate, cached and refreshed before it expires.
//!
//! TLS is rustls with the platform's certificate verifier and a crypto provider given to the
//! clients this crate builds and to [`http_client_builder`] alone (the process-wide rustls
//! default is neither read nor installed):
//!
//! - aws-lc-rs (the default feature `tls-aws-lc-rs`) prefers the hybrid post-quantum key
//!   exchange X25519MLKEM768, so that traffic recorded today (VPP token strings, access
//!   tokens, client secrets) cannot be decrypted later by a quantum computer; it is rustls'
//!   and reqwest's default, and the provider of rustls' FIPS mode. Its C code costs about
//!   40 s more of a clean build than ring.
//! - ring (`tls-ring`, with `default-features = false`) builds quicker but has no
//!   post-quantum key exchange, for which rustls 0.23.48 deprecated its provider.
//!
//! When both features are on, aws-lc-rs is used; with `client` and neither, the crate does
//! not compile and says which to turn on.
//!
//! The futures need a Tokio runtime (for the timers and `reqwest`'s I/O).
//!
//! ```no_run
//! use graph_vpptoken::client::Client;
//! use graph_vpptoken::v1_0::VppTokenPatch;
//!
//! # async fn run() -> Result<(), graph_vpptoken::client::Error> {
//! let client = Client::builder().bearer_token("eyJ0eXAi…").build()?;
//! let tokens = client.v1_0().device_app_management().vpp_tokens();
//!
//! // All tokens, following @odata.nextLink.
//! let all = tokens.list().stream().collect_all().await?;
//!
//! if let Some(id) = all.first().and_then(|t| t.id.as_deref()) {
//!     let patch = VppTokenPatch::new().country_or_region("us");
//!     tokens.by_id(id).update(&patch).send().await?;
//!     let synced = tokens.by_id(id).sync_licenses().send().await?;
//!     println!("synced: {synced:?}");
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod auth;
#[cfg(feature = "azure-identity")]
pub mod azure;
mod builder;
mod credentials;
mod error;
mod execute;
mod paging;
mod retry;
pub mod sync;
#[cfg(test)]
mod testing;
mod tls;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::runtime::{Collection, NextPage, Operation, RequestPath};

pub use auth::{TokenFuture, TokenSource};
#[allow(deprecated)]
pub use builder::DEFAULT_BASE_URL;
pub use builder::{ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_ENDPOINT, DEFAULT_TIMEOUT};
pub use error::{BoxError, Error, TransportKind};
pub use paging::ItemStream;
pub use retry::{Jitter, RetryPolicy};
pub use tls::http_client_builder;

pub(crate) use execute::send_bound;

/// The target of the client's spans and events: the crate's name, whatever the module, so
/// that a filter such as `graph_vpptoken=debug` selects them all.
pub(crate) const TARGET: &str = "graph_vpptoken";

/// Sends Graph requests over HTTP. Cheap to clone: clones share one connection pool and
/// configuration.
///
/// Its `Debug` output never shows the access token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What the clones of a [`Client`] share.
struct Inner {
    http: reqwest::Client,
    /// The Graph endpoint, parsed.
    base: reqwest::Url,
    /// The Graph endpoint as text, without a trailing `/`.
    base_url: Arc<str>,
    token: Arc<dyn TokenSource>,
    /// The access tokens sent so far, scrubbed from every error and log field.
    sent: credentials::SentCredentials,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("endpoint", &inner.base_url)
            .field("token", &"<redacted>")
            .field("retry", &inner.retry)
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A [`ClientBuilder`] with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client for `https://graph.microsoft.com` with a fixed access token and the default
    /// retries and timeouts.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`].
    pub fn new(bearer_token: impl Into<String>) -> Result<Self, Error> {
        Self::builder().bearer_token(bearer_token).build()
    }

    /// The Graph endpoint, such as `https://graph.microsoft.com` (without a trailing `/`):
    /// the service roots of the versions are below it.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.inner.base_url
    }

    /// The Graph endpoint, under its former name.
    #[deprecated(note = "renamed to `endpoint`")]
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.endpoint()
    }

    /// The retry policy.
    #[must_use]
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// A path at the service root `{endpoint}/{version}` that carries this client.
    #[must_use]
    pub fn root(&self, version: &str) -> RequestPath {
        RequestPath::new(format!("{}/{version}", self.inner.base_url)).with_client(self.clone())
    }

    /// The v1.0 request builders, rooted at the service root `{endpoint}/v1.0`; their requests carry this
    /// client: `client.v1_0().device_app_management().vpp_tokens().list().send().await`.
    #[cfg(feature = "v1_0")]
    #[must_use]
    pub fn v1_0(&self) -> crate::v1_0::GraphRequestBuilder {
        crate::v1_0::GraphRequestBuilder::from_path(
            self.root(crate::v1_0::GraphRequestBuilder::API_VERSION),
        )
    }

    /// Without the cargo feature `v1_0`: a call fails to compile with a message naming the
    /// feature (see `crate::feature_hints`).
    #[cfg(not(feature = "v1_0"))]
    #[doc(hidden)]
    pub fn v1_0<'a, T>(&'a self) -> T
    where
        &'a Self: crate::feature_hints::V1_0Feature,
    {
        <&'a Self as crate::feature_hints::V1_0Feature>::unavailable()
    }

    /// The beta request builders, rooted at the service root `{endpoint}/beta`; their requests carry this
    /// client: `client.beta().device_app_management().vpp_tokens().list().send().await`.
    #[cfg(feature = "beta")]
    #[must_use]
    pub fn beta(&self) -> crate::beta::GraphRequestBuilder {
        crate::beta::GraphRequestBuilder::from_path(
            self.root(crate::beta::GraphRequestBuilder::API_VERSION),
        )
    }

    /// Without the cargo feature `beta`: a call fails to compile with a message naming the
    /// feature (see `crate::feature_hints`).
    #[cfg(not(feature = "beta"))]
    #[doc(hidden)]
    pub fn beta<'a, T>(&'a self) -> T
    where
        &'a Self: crate::feature_hints::BetaFeature,
    {
        <&'a Self as crate::feature_hints::BetaFeature>::unavailable()
    }

    /// All the items of a collection request (a list, or a function returning a
    /// collection), page after page, as [`ItemStream`]. Nothing is sent until the stream is
    /// polled.
    ///
    /// The stream sends the request as `operation` renders it, but reads each response
    /// itself, as a JSON OData collection page whose items it decodes one at a time as `T`
    /// (so that one that does not decode costs only itself): `operation`'s
    /// [`Operation::parse_response`] is not called.
    pub fn stream<T, O>(&self, operation: O) -> ItemStream<T>
    where
        T: DeserializeOwned + Send + 'static,
        O: Operation<Output = Collection<T>> + Send + Sync + 'static,
    {
        ItemStream::from_operation(Some(self.clone()), operation)
    }

    /// The request for the page after `page`, carrying this client (so that
    /// [`NextPage::send`] works), or `None` on the last page.
    #[must_use]
    ///
    /// The page knows no secret names: give them with [`NextPage::with_secret_names`] (a
    /// version module's `SECRET_NAMES`) to have them redacted from its errors. The pages of
    /// an [`ItemStream`] get those of its first request.
    pub fn next_page<T>(&self, page: &Collection<T>) -> Option<NextPage<T>> {
        page.next_page().map(|next| next.with_client(self.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::builder()
            .endpoint("http://127.0.0.1:9/")
            .bearer_token("t")
            .build()
            .unwrap()
    }

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn paths_carry_the_client_but_compare_without_it() {
        let client = client();
        let bound = client.root("v1.0");
        assert_eq!(bound.url(), "http://127.0.0.1:9/v1.0");
        let derived = bound
            .segment("deviceAppManagement")
            .key("a b")
            .function("f", &[("x", "'y'".to_owned())]);
        assert!(derived.client().is_some());
        let unbound = RequestPath::new("http://127.0.0.1:9/v1.0")
            .segment("deviceAppManagement")
            .key("a b")
            .function("f", &[("x", "'y'".to_owned())]);
        assert!(unbound.client().is_none());
        assert_eq!(derived, unbound);
        assert_eq!(format!("{derived:?}"), format!("{unbound:?}"));
        assert!(!format!("{derived:?}").contains("Client"));
    }

    /// The former names of the endpoint still compile, with a deprecation warning.
    #[test]
    #[allow(deprecated)]
    fn the_former_endpoint_names_are_aliases() {
        let client = Client::builder()
            .base_url("https://graph.microsoft.us/")
            .bearer_token("t")
            .build()
            .unwrap();
        assert_eq!(client.endpoint(), "https://graph.microsoft.us");
        assert_eq!(client.base_url(), client.endpoint());
        assert_eq!(DEFAULT_BASE_URL, DEFAULT_ENDPOINT);
        assert_eq!(Client::new("t").unwrap().endpoint(), DEFAULT_ENDPOINT);
        let err = Client::builder()
            .endpoint("ftp://x")
            .bearer_token("t")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("invalid Graph endpoint"), "{err}");
    }

    #[cfg(all(feature = "v1_0", feature = "beta"))]
    #[test]
    fn builders_are_rooted_at_the_version_and_futures_are_send() {
        let client = client();
        let tokens = client.v1_0().device_app_management().vpp_tokens();
        assert_eq!(
            tokens.path().url(),
            "http://127.0.0.1:9/v1.0/deviceAppManagement/vppTokens"
        );
        assert!(tokens.list().url().starts_with("http://127.0.0.1:9/v1.0/"));
        let beta = client.beta().device_app_management().vpp_tokens();
        assert_eq!(beta.path().service_root(), "http://127.0.0.1:9/beta");

        // Nothing is polled: these only check that the futures can move across threads.
        let list = tokens.list();
        assert_send(&list.send());
        assert_send(&list.stream());
        let get = tokens.by_id("x").get();
        assert_send(&get.send());
        assert_send(&beta.get_licenses_for_app("a").send());
        assert_send(&client.execute(&tokens.count()));
        fn assert_sync<T: Send + Sync + Clone>() {}
        assert_sync::<Client>();
    }

    #[test]
    fn next_pages_are_bound_by_the_client() {
        let client = client();
        let page: Collection<serde_json::Value> = serde_json::from_str(
            r#"{"value":[],"@odata.nextLink":"http://127.0.0.1:9/v1.0/x?$skiptoken=1"}"#,
        )
        .unwrap();
        assert!(page.next_page().unwrap().client().is_none());
        let next = client.next_page(&page).unwrap();
        assert!(next.client().is_some());
        assert!(next.clone().client().is_some());
        assert_eq!(next.url(), "http://127.0.0.1:9/v1.0/x?$skiptoken=1");
    }
}
