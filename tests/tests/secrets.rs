//! Secrets never reach `Debug`, `Display`, an error message or an error's `source()` chain:
//! the vppToken `token` a request sends or a response carries, on every error path of the
//! runtime (Graph error statuses, bodies that are not JSON, decode errors) and of the client
//! (transport, status, decode, retries exhausted), in rendered requests, and in JSON kept in
//! `additional` under another letter case or in another variant; and the access token the
//! client sent (a fixed one, each one of a token source), echoed back by the service in an
//! error message, `innerError`, a header or a body that is not JSON, as sent, JSON-escaped or
//! percent-encoded, reaches neither an error nor a log line.

use std::error::Error as StdError;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use graph_vpptoken::client::{BoxError, Client, ClientBuilder, Error, TokenSource};
use graph_vpptoken::runtime::redact::REDACTED;
use graph_vpptoken::runtime::{Operation, ResponseError};
use graph_vpptoken::{beta, v1_0};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

/// The vppToken secret the requests send and the responses echo.
const SECRET: &str = "vpp-5ecr3t-Zq81";
/// A secret the service sends back as a number (an invalid vppToken `token`).
const NUMBER: &str = "7253619";
/// The access token of the client.
const ACCESS: &str = "eyJ0eXAi.access.t0ken";
const ID: &str = "9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
const V1: &str = "/v1.0/deviceAppManagement/vppTokens";

/// Everything `error` shows: `Display`, `Debug`, and both for every error of its `source()`
/// chain.
fn everything_shown(error: &(dyn StdError + 'static)) -> String {
    let mut shown = String::new();
    let mut next = Some(error);
    while let Some(e) = next {
        shown.push_str(&format!("{e}\n{e:?}\n"));
        next = e.source();
    }
    shown
}

/// Asserts that `text` shows none of the secrets (nor a telling part of one).
fn assert_clean(text: &str) {
    for secret in [SECRET, "5ecr3t", NUMBER, ACCESS, "t0ken"] {
        assert!(!text.contains(secret), "{secret:?} leaked: {text}");
    }
}

fn assert_error_clean(error: &(dyn StdError + 'static)) {
    assert_clean(&everything_shown(error));
}

fn patch() -> v1_0::VppTokenPatch {
    v1_0::VppTokenPatch::new()
        .token(SECRET)
        .apple_id("apple@example.com")
}

fn update() -> graph_vpptoken::runtime::ops::Update<v1_0::VppToken> {
    v1_0::device_app_management()
        .vpp_tokens()
        .by_id(ID)
        .update(&patch())
}

fn response(status: u16, body: impl Into<Vec<u8>>) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .body(body.into())
        .unwrap()
}

/// An error body that echoes the PATCH, quotes the token in prose and in `innerError`.
fn echoing_error(code: &str) -> Value {
    json!({
        "error": {
            "code": code,
            "message": format!("The token '{SECRET}' was rejected for apple@example.com"),
            "innerError": {
                "request-id": "7b3f6a1e-0000-4000-8000-000000000001",
                "date": "2024-03-05T10:11:12",
                "token": SECRET,
                "sent": {"Token": SECRET, "appleId": "apple@example.com"}
            },
            "details": [{"target": "token", "message": SECRET}]
        },
        "entity": {"id": ID, "TOKEN": SECRET}
    })
}

// ---------------------------------------------------------------------------------------------
// The runtime, without a transport

#[test]
fn graph_error_statuses_keep_the_secret_out_and_say_where_it_was() {
    let update = update();
    for status in [400, 409, 500] {
        let body = echoing_error("BadRequest").to_string();
        let err = update.parse_response(&response(status, body)).unwrap_err();
        assert_error_clean(&err);
        let graph = err.graph_error().expect("a Graph error");
        assert_eq!(graph.code.as_deref(), Some("BadRequest"));
        assert_eq!(
            graph.message.as_deref(),
            Some("The token '[redacted]' was rejected for apple@example.com")
        );
        let inner = graph.inner_error.as_ref().unwrap();
        assert_eq!(inner.additional["token"], REDACTED);
        assert_eq!(inner.additional["sent"]["Token"], REDACTED);
        assert_eq!(inner.additional["sent"]["appleId"], "apple@example.com");
        // The body is available on request, with the secret replaced.
        let kept: Value = serde_json::from_str(graph.body.as_str()).unwrap();
        assert_eq!(kept["entity"]["TOKEN"], REDACTED);
        assert_eq!(kept["error"]["details"][0]["message"], REDACTED);
        assert_eq!(kept["entity"]["id"], ID);
        assert_clean(graph.body.as_str());
        assert!(!format!("{graph:?}").contains("entity"), "{graph:?}");
    }
}

#[test]
fn a_secret_the_request_did_not_send_is_redacted_by_name() {
    let get = v1_0::device_app_management().vpp_tokens().by_id(ID).get();
    let body = json!({"error": {"code": "x", "message": "y", "innerError": {"TOKEN": SECRET}},
                      "vppToken": {"token": SECRET}});
    let err = get
        .parse_response(&response(400, body.to_string()))
        .unwrap_err();
    assert_error_clean(&err);
    assert_clean(err.graph_error().unwrap().body.as_str());
}

#[test]
fn a_body_that_is_not_json_is_withheld() {
    let update = update();
    let text = format!("<html>upstream said: token={SECRET}; escaped \"{SECRET}\"</html>");
    let err = update.parse_response(&response(502, text)).unwrap_err();
    assert_error_clean(&err);
    let graph = err.graph_error().unwrap();
    assert!(!graph.body.is_json());
    assert_eq!(
        graph.body.as_str(),
        "<html>upstream said: token=[redacted]; escaped \"[redacted]\"</html>"
    );
    // Not even the text without the secret is shown.
    assert!(!format!("{err:?}").contains("upstream"), "{err:?}");
}

#[test]
fn every_parser_redacts_its_error() {
    let tokens = beta::device_app_management().vpp_tokens();
    let created = beta::VppToken {
        token: Some(SECRET.into()),
        ..Default::default()
    };
    // Requests that send the secret have it scrubbed wherever it appears; the others have
    // the values of secret properties redacted.
    let echo = echoing_error("Conflict").to_string();
    let named = json!({
        "error": {"code": "BadRequest", "message": "no", "innerError": {"Token": SECRET}},
        "vppToken": {"id": ID, "token": SECRET}
    })
    .to_string();
    let create = tokens.create(&created);
    let update = tokens
        .by_id(ID)
        .update(&beta::VppTokenPatch::new().token(SECRET));
    let errors: Vec<ResponseError> = vec![
        create
            .parse_response(&response(409, echo.clone()))
            .unwrap_err(),
        update.parse_response(&response(500, echo)).unwrap_err(),
        tokens
            .list()
            .parse_response(&response(400, named.clone()))
            .unwrap_err(),
        tokens
            .count()
            .parse_response(&response(400, named.clone()))
            .unwrap_err(),
        tokens
            .by_id(ID)
            .get()
            .parse_response(&response(400, named.clone()))
            .unwrap_err(),
        tokens
            .by_id(ID)
            .delete()
            .parse_response(&response(400, named.clone()))
            .unwrap_err(),
        tokens
            .by_id(ID)
            .sync_licenses()
            .parse_response(&response(400, named.clone()))
            .unwrap_err(),
        tokens
            .get_licenses_for_app("a")
            .parse_response(&response(400, named))
            .unwrap_err(),
    ];
    for err in &errors {
        assert_error_clean(err);
        assert_clean(err.graph_error().unwrap().body.as_str());
    }
}

#[test]
fn decode_errors_name_the_path_and_the_type_but_not_the_value() {
    let get = v1_0::device_app_management().vpp_tokens().by_id(ID).get();
    let cases = [
        (json!({"token": 7253619}), "token", "expected a string"),
        (
            json!({"automaticallyUpdateApps": SECRET}),
            "automaticallyUpdateApps",
            "expected a boolean",
        ),
        (
            json!({"lastSyncDateTime": SECRET}),
            "lastSyncDateTime",
            "invalid Edm.DateTimeOffset",
        ),
    ];
    for (body, at, expected) in cases {
        let err = get
            .parse_response(&response(200, body.to_string()))
            .unwrap_err();
        assert_error_clean(&err);
        let ResponseError::Decode { path, message, .. } = &err else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!(path, at);
        assert!(message.contains(expected), "{message}");
        // The same through the schema's round trip.
        let vpp = v1_0::schema::SCHEMA.type_named("vppToken").unwrap();
        let err = (vpp.round_trip)(&body.to_string()).unwrap_err();
        assert_eq!(err.path, at);
        assert_error_clean(&err);
    }
    let count = v1_0::device_app_management().vpp_tokens().count();
    let err = count.parse_response(&response(200, SECRET)).unwrap_err();
    assert_error_clean(&err);
}

/// Found by the `responses` fuzz target: a decode error's path is made of the property names
/// of the response as received, and one of them may hold the secret the request sent.
#[test]
fn a_sent_secret_in_a_property_name_of_the_response_is_kept_out_of_the_decode_path() {
    for body in [
        format!(r#"{{"countryOrRegion{SECRET}":["Role Scope" 0]}}"#),
        format!(r#"{{"additional":{{"{SECRET}":[1,}}}}"#),
        format!(r#"{{"tokenActionResults":[{{"{SECRET}":tru}}]}}"#),
    ] {
        let err = update()
            .parse_response(&response(200, body.clone()))
            .unwrap_err();
        let ResponseError::Decode { path, .. } = &err else {
            panic!("expected a decode error for {body}, got {err:?}");
        };
        // The path stops where the secret would be, or shows it redacted; never the secret.
        assert!(!path.contains(SECRET), "{path}");
        assert_error_clean(&err);
    }
}

#[test]
fn rendered_requests_do_not_show_their_body() {
    let request = update().to_request().unwrap();
    assert_clean(&format!("{request:?}"));
    assert_clean(&format!("{:?}", update()));
    // The bytes are still there to send.
    let sent: Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(sent["token"], SECRET);
    let bytes = request.body().to_vec();
    assert_eq!(request.into_body().into_vec(), bytes);
}

#[test]
fn secret_names_in_additional_are_redacted_in_any_case_and_at_any_depth() {
    let body = json!({
        "id": ID,
        "Token": SECRET,
        "nested": {"list": [{"TOKEN": NUMBER}]},
        "appleId": "apple@example.com"
    });
    let token: v1_0::VppToken = serde_json::from_value(body.clone()).unwrap();
    // Typed decoding keeps the exact wire name: `Token` is not `token`.
    assert_eq!(token.token, None);
    assert_eq!(token.additional["Token"], json!(SECRET).into());
    let shown = format!("{token:?}");
    assert_clean(&shown);
    assert!(shown.contains("apple@example.com"), "{shown}");
    // Written back unchanged.
    assert_eq!(serde_json::to_value(&token).unwrap(), body);

    let mut patch = beta::VppTokenPatch::new();
    patch
        .additional
        .insert("tOkEn".into(), json!(SECRET).into());
    assert_clean(&format!("{patch:?}"));
}

#[test]
fn a_secret_in_another_variant_of_a_polymorphic_value_is_redacted() {
    // `token` is a vppToken property; an action result that carries one keeps it in
    // `additional`, whichever variant `@odata.type` names.
    let body = json!({
        "tokenActionResults": [
            {"@odata.type": "#microsoft.graph.vppTokenRevokeLicensesActionResult", "token": SECRET},
            {"@odata.type": "#microsoft.graph.vppTokenActionResult", "Token": SECRET}
        ]
    });
    let token: beta::VppToken = serde_json::from_value(body).unwrap();
    assert_clean(&format!("{token:?}"));
}

// ---------------------------------------------------------------------------------------------
// The client, end to end against a loopback server

fn client(server: &MockServer) -> Client {
    Client::builder()
        .endpoint(server.uri())
        .bearer_token(ACCESS)
        .max_attempts(3)
        .base_delay(Duration::from_millis(2))
        .max_delay(Duration::from_millis(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_client_error_path_keeps_the_secret_out() {
    let server = MockServer::start().await;
    let by_id = |id: &str| format!("{V1}/{id}");
    let mounts = [
        (
            "PATCH",
            by_id("status"),
            ResponseTemplate::new(409).set_body_json(echoing_error("Conflict")),
        ),
        (
            "PATCH",
            by_id("html"),
            ResponseTemplate::new(500).set_body_string(format!("token={SECRET}")),
        ),
        (
            "PATCH",
            by_id("decode"),
            ResponseTemplate::new(200).set_body_json(json!({"token": 7253619})),
        ),
        (
            "PATCH",
            by_id("busy"),
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "0")
                .set_body_json(echoing_error("ServiceUnavailable")),
        ),
        (
            "GET",
            V1.to_owned(),
            ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "a"}],
                "@odata.nextLink": format!("{}{V1}?$skiptoken=2", server.uri())
            })),
        ),
    ];
    for (verb, route, template) in mounts {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(template)
            .mount(&server)
            .await;
    }
    // The second page fails with an error that names the secret.
    Mock::given(method("GET"))
        .and(path(V1))
        .and(wiremock::matchers::query_param("$skiptoken", "2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"code": "BadRequest", "message": "no", "innerError": {"Token": SECRET}}
        })))
        .with_priority(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    let send = |id: &str| {
        let update = tokens.by_id(id).update(&patch());
        async move { update.send().await.unwrap_err() }
    };

    let err = send("status").await;
    assert!(matches!(err, Error::Status(_)), "{err:?}");
    assert!(err.to_string().contains(REDACTED), "{err}");
    assert_error_clean(&err);
    assert_clean(err.graph_error().unwrap().body.as_str());

    let err = send("html").await;
    assert!(matches!(err, Error::Status(_)), "{err:?}");
    assert_error_clean(&err);
    assert_eq!(err.graph_error().unwrap().body.as_str(), "token=[redacted]");

    let err = send("decode").await;
    assert!(
        matches!(&err, Error::Decode { path, .. } if path == "token"),
        "{err:?}"
    );
    assert_error_clean(&err);

    let err = send("busy").await;
    let Error::RetriesExhausted { attempts: 3, last } = &err else {
        panic!("expected RetriesExhausted, got {err:?}");
    };
    assert!(matches!(**last, Error::Status(_)), "{last:?}");
    // The last attempt's error, the source, shows the redacted message.
    assert_eq!(err.to_string(), "gave up after 3 attempts");
    assert!(last.to_string().contains(REDACTED), "{last}");
    assert_error_clean(&err);
    assert_clean(err.graph_error().unwrap().body.as_str());

    let err = tokens.list().stream().collect_all().await.unwrap_err();
    assert!(matches!(err, Error::Status(_)), "{err:?}");
    assert_error_clean(&err);
    assert_clean(err.graph_error().unwrap().body.as_str());

    // A transport error: nothing listens on the port any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let offline = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .bearer_token(ACCESS)
        .max_attempts(1)
        .build()
        .unwrap();
    let err = offline
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .by_id(ID)
        .update(&patch())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.source().is_some());
    assert_error_clean(&err);
}

// ---------------------------------------------------------------------------------------------
// The access token, echoed back by the service

/// An access token with characters that JSON escapes (`"`, `\`) and that percent-encoding
/// changes (`+`, `/`, `=`), so that each form it takes in an echo is a distinct text.
const ODD_ACCESS: &str = r#"eyJ0+acce55/t0ken"q\z=="#;

/// The forms an echo of `token` may take: as sent, inside a JSON string, percent-encoded with
/// upper- and lower-case hex digits.
fn forms(token: &str) -> Vec<String> {
    let json = serde_json::to_string(token).unwrap();
    let upper: String = token
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let lower: String = upper
        .split('%')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_owned()
            } else {
                let (hex, rest) = part.split_at(2);
                format!("%{}{rest}", hex.to_ascii_lowercase())
            }
        })
        .collect();
    vec![
        token.to_owned(),
        json[1..json.len() - 1].to_owned(),
        upper,
        lower,
    ]
}

/// Fails if `text` shows `token` in any of its forms, or a telling part of it.
fn assert_no_token(text: &str, token: &str) {
    for form in forms(token) {
        assert!(!text.contains(&form), "{form:?} leaked: {text}");
    }
    for part in ["acce55", "t0ken"] {
        assert!(!text.contains(part), "{part:?} leaked: {text}");
    }
}

/// Mounts, below the vppTokens collection, a route per way a service may echo the token it
/// was sent: in the error's message, in `innerError`, in a body that is not JSON (each form),
/// in the `request-id` header of a throttled and of a successful response, and in a decoding
/// failure's property name.
async fn echo_routes(server: &MockServer, token: &str) {
    let [plain, escaped, upper, lower] = <[String; 4]>::try_from(forms(token)).unwrap();
    let by_id = |id: &str| format!("{V1}/{id}");
    let routes = [
        (
            by_id("message"),
            ResponseTemplate::new(401).set_body_json(json!({
                "error": {
                    "code": "InvalidAuthenticationToken",
                    "message": format!("Access token validation failure: {plain}"),
                    "innerError": {
                        "request-id": "7b3f6a1e-0000-4000-8000-000000000002",
                        "detail": format!("Bearer {plain}"),
                        "token": {"value": plain, "kind": "Bearer"},
                        (plain.clone()): true,
                    }
                }
            })),
        ),
        (
            by_id("text"),
            ResponseTemplate::new(401).set_body_string(format!(
                "<html>bad token {plain}; json \"{escaped}\"; url ?t={upper}&u={lower}</html>"
            )),
        ),
        (
            by_id("almost-json"),
            ResponseTemplate::new(403)
                .set_body_string(format!(r#"{{"error": {{"message": "Bearer {escaped}"}}"#)),
        ),
        (
            by_id("throttled"),
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .insert_header("request-id", plain.as_str())
                .insert_header("client-request-id", upper.as_str())
                .set_body_json(json!({"error": {"code": "TooManyRequests", "message": lower}})),
        ),
        (
            by_id("ok"),
            ResponseTemplate::new(200)
                .insert_header("request-id", plain.as_str())
                .set_body_json(json!({"id": "ok", "displayName": escaped})),
        ),
        (
            by_id("decode"),
            ResponseTemplate::new(200).set_body_json(json!({"id": "decode", "state": [plain]})),
        ),
    ];
    for (route, template) in routes {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(template)
            .mount(server)
            .await;
    }
}

/// Sends a GET of every echo route with `client` and checks that no error (`Display`,
/// `Debug`, `source()` chain, kept body) and no log line shows `token`.
async fn assert_echoes_scrubbed(client: &Client, token: &str) {
    let (logs, _guard) = common::logs::capture();
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    let mut shown = String::new();
    for id in ["message", "text", "almost-json", "throttled", "decode"] {
        let err = tokens.by_id(id).get().send().await.unwrap_err();
        shown.push_str(&everything_shown(&err));
        if let Some(graph) = err.graph_error() {
            shown.push_str(graph.body.as_str());
            shown.push_str(&format!("{:?}", graph.inner_error));
        }
        assert_no_token(&shown, token);
    }
    // The service's own text around the token is kept.
    assert!(
        shown.contains("Access token validation failure: [redacted]"),
        "{shown}"
    );
    assert!(
        shown.contains("<html>bad token [redacted]; json \"[redacted]\""),
        "{shown}"
    );
    // A successful response that echoes it (the model keeps it: it is the service's answer,
    // not an error), with the token in its request-id header: the logs do not show it.
    let ok = tokens.by_id("ok").get().send().await.unwrap();
    assert_eq!(ok.id.as_deref(), Some("ok"));
    let logs = logs.text();
    assert!(logs.contains("graph.request"), "{logs}");
    assert!(logs.contains(r#"request_id="[redacted]""#), "{logs}");
    assert_no_token(&logs, token);
}

/// A client of `server` from `builder` (which has the token), retrying once without waiting
/// long, as the throttled echo route needs.
fn echo_client(server: &MockServer, builder: ClientBuilder) -> Client {
    builder
        .endpoint(server.uri())
        .max_attempts(2)
        .base_delay(Duration::from_millis(1))
        .build()
        .unwrap()
}

/// A token source whose answer to its `n`th call (from 0) is `answer(n)`; `calls` counts them.
fn numbered_source(
    calls: &Arc<AtomicUsize>,
    answer: fn(usize) -> Result<String, BoxError>,
) -> impl TokenSource + 'static {
    let calls = Arc::clone(calls);
    move || {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        async move { answer(n) }
    }
}

#[tokio::test]
async fn a_bearer_token_echoed_back_is_scrubbed_everywhere() {
    let server = MockServer::start().await;
    echo_routes(&server, ODD_ACCESS).await;
    let client = echo_client(&server, Client::builder().bearer_token(ODD_ACCESS));
    assert_echoes_scrubbed(&client, ODD_ACCESS).await;
}

#[tokio::test]
async fn each_token_of_a_token_source_is_scrubbed() {
    let server = MockServer::start().await;
    let rotated = format!("{ODD_ACCESS}2");
    echo_routes(&server, &rotated).await;
    // The source hands out a first token, then the rotated one: both are kept out.
    let calls = Arc::new(AtomicUsize::new(0));
    let source = numbered_source(&calls, |n| {
        Ok(if n == 0 {
            ODD_ACCESS.to_owned()
        } else {
            format!("{ODD_ACCESS}2")
        })
    });
    let client = echo_client(&server, Client::builder().token_source(source));
    assert_echoes_scrubbed(&client, &rotated).await;
    // The first token, sent once, is scrubbed from an echo of it as well.
    let err = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .by_id("message")
        .get()
        .send()
        .await
        .unwrap_err();
    assert_no_token(&everything_shown(&err), ODD_ACCESS);
    assert!(calls.load(Ordering::SeqCst) > 1);
}

#[tokio::test]
async fn a_token_source_error_that_quotes_a_sent_token_is_scrubbed() {
    let server = MockServer::start().await;
    echo_routes(&server, ODD_ACCESS).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let source = numbered_source(&calls, |n| {
        if n == 0 {
            Ok(ODD_ACCESS.to_owned())
        } else {
            Err(BoxError::from(format!("cannot refresh {ODD_ACCESS}")))
        }
    });
    let client = Client::builder()
        .endpoint(server.uri())
        .token_source(source)
        .build()
        .unwrap();
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    tokens.by_id("ok").get().send().await.unwrap();
    let err = tokens.by_id("ok").get().send().await.unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err:?}");
    let shown = everything_shown(&err);
    assert!(shown.contains("cannot refresh [redacted]"), "{shown}");
    assert_no_token(&shown, ODD_ACCESS);
}
