//! Microsoft Entra ID sign-in (feature `azure-identity`) end to end on loopback: a real
//! `azure_identity::ClientSecretCredential` against a token endpoint served by wiremock, the
//! client's token cache and its refresh (with an injected clock), the redaction of token
//! endpoint failures, and the bounded retry of a sign-in that cannot connect.
//!
//! `azure_identity` only accepts an `https` authority: the crate's `LoopbackIdentity` gives
//! the credential a reserved `https` authority host and sends its requests to the wiremock
//! server instead, through the crate's own reqwest transport.

use std::collections::HashMap;
use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use graph_vpptoken::client::azure::{
    Clock, CredentialError, CredentialErrorKind, LoopbackIdentity,
};
use graph_vpptoken::client::{Client, ClientBuilder, Error, Jitter, RetryPolicy};
use serde_json::json;
use time::OffsetDateTime;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT_ID: &str = "0b8d4c2e-5f7a-4e3b-9c1d-2a6f8e4b7c90";
const CLIENT_SECRET: &str = "Zq8~client.s3cret-VALUE";
const ACCESS_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.graph-acce55-token";
const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
const VPP_TOKENS: &str = "/v1.0/deviceAppManagement/vppTokens";

/// A builder for the Graph server `graph` and a `ClientSecretCredential` whose token
/// endpoint is the local server at `identity`, over the builder's HTTP client.
fn signed_in(graph: &MockServer, identity: SocketAddr) -> ClientBuilder {
    let mut builder = Client::builder().endpoint(graph.uri()).scope(GRAPH_SCOPE);
    let client_options = LoopbackIdentity::new(identity)
        .expect("a loopback address")
        .client_options(builder.azure_client_options().expect("client options"))
        .expect("the crate's transport");
    let credential = ClientSecretCredential::new(
        TENANT,
        CLIENT_ID.to_owned(),
        Secret::new(CLIENT_SECRET),
        Some(ClientSecretCredentialOptions { client_options }),
    )
    .expect("a credential");
    builder.credential(credential)
}

/// The token endpoint of the tenant on the wiremock server.
fn token_endpoint() -> wiremock::MockBuilder {
    Mock::given(method("POST")).and(path(format!("/{TENANT}/oauth2/v2.0/token")))
}

/// An empty page of vppTokens, for requests with `Bearer {token}`.
fn graph_list(token: &str) -> Mock {
    Mock::given(method("GET"))
        .and(path(VPP_TOKENS))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": [] })))
}

async fn list(client: &Client) -> Result<(), Error> {
    let page = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .send()
        .await?;
    assert!(page.value.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_client_secret_credential_signs_in_and_its_token_is_sent_to_graph() {
    let (graph, identity) = (MockServer::start().await, MockServer::start().await);
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": ACCESS_TOKEN,
        })))
        .expect(1)
        .mount(&identity)
        .await;
    graph_list(ACCESS_TOKEN).expect(2).mount(&graph).await;

    let client = signed_in(&graph, *identity.address())
        .build()
        .expect("a client");
    assert!(!format!("{client:?}").contains(CLIENT_SECRET));
    // Two requests, one token.
    list(&client).await.expect("the first list");
    list(&client).await.expect("the second list");

    let requests = identity.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1);
    let form: HashMap<String, String> = form_urlencoded::parse(&requests[0].body)
        .into_owned()
        .collect();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    assert_eq!(form["scope"], GRAPH_SCOPE);
    assert_eq!(
        requests[0].headers["content-type"],
        "application/x-www-form-urlencoded"
    );
}

/// A clock the test moves forward.
struct TestClock(Mutex<OffsetDateTime>);

impl TestClock {
    fn advance_to(&self, time: OffsetDateTime) {
        *self.0.lock().unwrap() = time;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

/// Issues `token-1`, `token-2`, … each valid for an hour from the test clock's start, and
/// records the scopes asked.
#[derive(Debug)]
struct Issuer {
    issued: AtomicUsize,
    expires_on: OffsetDateTime,
    scopes: Mutex<Vec<String>>,
}

#[async_trait]
impl TokenCredential for Issuer {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        self.scopes
            .lock()
            .unwrap()
            .extend(scopes.iter().map(|s| s.to_string()));
        Ok(AccessToken::new(format!("token-{n}"), self.expires_on))
    }
}

#[tokio::test]
async fn the_token_is_kept_until_five_minutes_before_it_expires() {
    let graph = MockServer::start().await;
    graph_list("token-1").expect(3).mount(&graph).await;
    graph_list("token-2").expect(1).mount(&graph).await;

    let start = time::macros::datetime!(2026-03-01 08:00 UTC);
    let clock = Arc::new(TestClock(Mutex::new(start)));
    let issuer = Arc::new(Issuer {
        issued: AtomicUsize::new(0),
        expires_on: start + time::Duration::HOUR,
        scopes: Mutex::new(Vec::new()),
    });
    let client = Client::builder()
        .endpoint(graph.uri())
        .credential(issuer.clone())
        .clock(clock.clone())
        .build()
        .expect("a client");

    list(&client).await.unwrap();
    list(&client).await.unwrap();
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 1);
    // One second before the refresh time (08:55): still the cached token.
    clock.advance_to(start + time::Duration::minutes(55) - time::Duration::SECOND);
    list(&client).await.unwrap();
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 1);
    // At expires_on - 5 minutes: a new token.
    clock.advance_to(start + time::Duration::minutes(55));
    list(&client).await.unwrap();
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 2);

    // Without `scope`, the scope is the origin of the service root.
    let scopes = issuer.scopes.lock().unwrap().clone();
    assert_eq!(scopes, vec![format!("{}/.default", graph.uri()); 2]);
}

/// Every text the error shows: `Display`, `Debug` (plain and pretty), and those of its
/// sources.
fn error_texts(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n{error:#?}");
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(&format!("\n{e}\n{e:?}\n{e:#?}"));
        source = e.source();
    }
    text
}

#[tokio::test]
async fn token_endpoint_failures_are_token_errors_without_secrets() {
    for (status, error_code, codes) in [
        (401, "invalid_client", 7000215),
        (400, "invalid_request", 900144),
    ] {
        let (graph, identity) = (MockServer::start().await, MockServer::start().await);
        token_endpoint()
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({
                "error": error_code,
                "error_description": format!(
                    "AADSTS{codes}: The request was rejected. client_secret={CLIENT_SECRET} \
                     previous access_token={ACCESS_TOKEN}"
                ),
                "error_codes": [codes],
                "access_token": ACCESS_TOKEN,
            })))
            .mount(&identity)
            .await;
        // Graph is never asked.
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&graph)
            .await;

        let client = signed_in(&graph, *identity.address())
            .build()
            .expect("a client");
        let err = list(&client).await.unwrap_err();
        assert!(matches!(err, Error::Token(_)), "{err:?}");
        let text = error_texts(&err);
        assert!(!text.contains(CLIENT_SECRET), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(!text.contains(ACCESS_TOKEN), "{text}");
        assert!(!text.contains("acce55"), "{text}");

        let credential_error = err
            .source()
            .and_then(|e| e.downcast_ref::<CredentialError>())
            .expect("the credential's error, redacted");
        assert_eq!(credential_error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            credential_error.error_codes(),
            Some(codes.to_string().as_str())
        );
        assert_eq!(
            credential_error.credential(),
            Some("ClientSecretCredential")
        );
        // The client's error says what failed; the credential's error, its source, says why.
        assert_eq!(err.to_string(), "cannot get an access token");
        assert_eq!(
            credential_error.to_string(),
            format!(
                "ClientSecretCredential authentication failed: the identity endpoint answered \
                 HTTP {} (error codes {codes}); its description is not shown, as it may repeat \
                 what was sent",
                http::StatusCode::from_u16(status).unwrap()
            )
        );
    }
}

#[tokio::test]
async fn a_sign_in_that_cannot_connect_gives_up_within_the_bound_and_names_the_cause() {
    // A port that nothing listens on: the listener is dropped at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port");
    let graph = MockServer::start().await;
    // Graph is never asked.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&graph)
        .await;
    let client = signed_in(&graph, closed)
        .credential_retry(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1))
                .jitter(Jitter::None),
        )
        .build()
        .expect("a client");

    let err = list(&client).await.unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err:?}");
    let text = error_texts(&err);
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    let credential_error = err
        .source()
        .and_then(|e| e.downcast_ref::<CredentialError>())
        .expect("the credential's error");
    assert_eq!(credential_error.kind(), CredentialErrorKind::Connect);
    assert_eq!(credential_error.attempts(), 3, "bounded by max_attempts");
    assert_eq!(
        credential_error.to_string(),
        "ClientSecretCredential authentication failed after 3 attempts: could not connect to the \
         identity endpoint"
    );
    // The chain goes on to the reqwest error of the last attempt and ends at its root cause.
    let mut source = credential_error.source();
    assert!(
        source.is_some_and(|e| e.is::<graph_vpptoken::reqwest::Error>()),
        "{text}"
    );
    let mut refused = false;
    while let Some(e) = source {
        refused |= e
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        source = e.source();
    }
    assert!(refused, "{text}");
}

/// A service that echoes the Entra ID token it was sent (in the message, `innerError`, a body
/// that is not JSON) has it scrubbed from the client's errors, as a fixed bearer token is.
#[tokio::test]
async fn an_entra_token_echoed_back_is_scrubbed() {
    let (graph, identity) = (MockServer::start().await, MockServer::start().await);
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer",
            "expires_in": 3599,
            "access_token": ACCESS_TOKEN,
        })))
        .mount(&identity)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{VPP_TOKENS}/json")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {
                "code": "InvalidAuthenticationToken",
                "message": format!("Lifetime validation failed for {ACCESS_TOKEN}"),
                "innerError": {"detail": format!("Bearer {ACCESS_TOKEN}")}
            }
        })))
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{VPP_TOKENS}/text")))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!("bad: {ACCESS_TOKEN}")))
        .mount(&graph)
        .await;

    let client = signed_in(&graph, *identity.address())
        .build()
        .expect("a client");
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    for id in ["json", "text"] {
        let err = tokens.by_id(id).get().send().await.unwrap_err();
        let graph_error = err.graph_error().expect("a Graph error");
        let shown = format!(
            "{}\n{}\n{:?}",
            error_texts(&err),
            graph_error.body.as_str(),
            graph_error.inner_error
        );
        assert!(shown.contains("[redacted]"), "{shown}");
        for leak in [ACCESS_TOKEN, "graph-acce55-token"] {
            assert!(!shown.contains(leak), "{leak} leaked: {shown}");
        }
    }
}
