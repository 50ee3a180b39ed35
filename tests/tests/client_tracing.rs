//! The client's `tracing` output, captured by a `fmt` subscriber that writes every span and
//! event, with all their fields, at `TRACE` level into memory: what it shows (the URL
//! template, the status, Graph's request ids, the retry waits, the pages, the completed
//! requests) and what it never shows (the access token, the vppToken `token`, the filled-in
//! path, a skip token); and what a plain `fmt` subscriber filtered as the crate README says
//! prints: one line per request.
//!
//! The subscriber is the default of the test's thread only, so each test sees the spans of
//! its own client (and of the HTTP stack under it) and nothing of the mock server, which runs
//! on threads of its own. Time is tokio's paused clock, as in `client_sync.rs`.

use futures_util::TryStreamExt;
use graph_vpptoken::client::{Client, Error};
use graph_vpptoken::v1_0::{self, VppTokenPatch};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

use common::logs::{Captured, capture, install};

const ID: &str = "9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
const ITEM: &str = "/v1.0/deviceAppManagement/vppTokens/9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
const LIST: &str = "/v1.0/deviceAppManagement/vppTokens";
/// The access token.
const ACCESS_TOKEN: &str = "eyJ0eXAi.tracing-access-token.5ecr3t";
/// A vppToken's `token` value, sent in a PATCH and echoed by the service.
const VPP_TOKEN: &str = "VPP-TOKEN-b64-c2VjcmV0IHRva2Vu";
/// A skip token in a next link.
const SKIP_TOKEN: &str = "SKIP-X2xhc3RJZD00Mg";
const REQUEST_ID: &str = "3f9c2a1e-55d4-4c7b-9a0e-0d1c2b3a4f5e";
const CLIENT_REQUEST_ID: &str = "c1e2d3f4-a5b6-4c7d-8e9f-001122334455";

/// A client without request timeout or connection pool, so that the only timers are the
/// retry waits (see `client_sync.rs`).
fn client(server: &MockServer) -> Client {
    common::paused_time_client(&server.uri(), ACCESS_TOKEN)
}

/// The lines of `text` that contain `needle`.
fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

/// The lines of the request spans closing (with all their fields) that contain `needle`.
fn requests_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.contains("graph.request{") && l.contains(": close ") && l.contains(needle))
        .collect()
}

/// Fails if `text` shows any of the secrets, or the key in a path.
fn assert_nothing_secret(text: &str) {
    for (what, secret) in [
        ("the access token", ACCESS_TOKEN),
        ("part of the access token", "5ecr3t"),
        ("the vppToken token", VPP_TOKEN),
        ("the skip token", SKIP_TOKEN),
        ("the filled-in path", ID),
        ("the Authorization header", "Bearer"),
    ] {
        assert!(!text.contains(secret), "{what} is in the log:\n{text}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_request_is_a_span_with_its_template_status_request_ids_and_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ITEM))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "3")
                .insert_header("request-id", "11111111-throttled")
                .set_body_json(
                    json!({"error": {"code": "TooManyRequests", "message": "Slow down."}}),
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ITEM))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", REQUEST_ID)
                .insert_header("client-request-id", CLIENT_REQUEST_ID)
                .set_body_json(json!({"id": ID, "token": VPP_TOKEN, "state": "valid"})),
        )
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;

    let (captured, _guard) = capture();
    let client = client(&server);
    let token = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .by_id(ID)
        .get()
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(token.token.as_deref(), Some(VPP_TOKEN));
    let text = captured.text();

    let closed = requests_with(&text, "");
    assert_eq!(
        closed.len(),
        1,
        "one span for the request and its retry:\n{text}"
    );
    for field in [
        r#"http.request.method="GET""#.to_owned(),
        r#"url.template="/deviceAppManagement/vppTokens/{vppToken-id}""#.to_owned(),
        "http.response.status_code=200".to_owned(),
        format!(r#"request_id="{REQUEST_ID}""#),
        format!(r#"client_request_id="{CLIENT_REQUEST_ID}""#),
    ] {
        assert!(
            closed[0].contains(&field),
            "no {field} in the span:\n{text}"
        );
    }

    let retries = lines_with(&text, "retrying the request");
    assert_eq!(retries.len(), 1, "one retry:\n{text}");
    for field in [
        "attempt=1",
        "http.response.status_code=429",
        r#"request_id="11111111-throttled""#,
        r#"reason="throttled""#,
        "wait=3s",
        "retry_after=true",
        // Inside the request's span.
        "url.template=",
    ] {
        assert!(
            retries[0].contains(field),
            "no {field} in the retry event:\n{text}"
        );
    }
    // One event for the completed request, at DEBUG, under the crate's own target, with
    // the method, the template, the final status, the time over both attempts (the clock is
    // paused: only the 3 s wait counts) and the request id.
    let completed = lines_with(&text, "request completed");
    assert_eq!(completed.len(), 1, "one completed event:\n{text}");
    for field in [
        " DEBUG ".to_owned(),
        ": graph_vpptoken: request completed ".to_owned(),
        r#"http.request.method="GET""#.to_owned(),
        r#"url.template="/deviceAppManagement/vppTokens/{vppToken-id}""#.to_owned(),
        "http.response.status_code=200".to_owned(),
        "duration=3s".to_owned(),
        format!(r#"request_id="{REQUEST_ID}""#),
    ] {
        assert!(completed[0].contains(&field), "no {field} in the completed event:\n{text}");
    }
    assert!(retries[0].contains(" INFO "), "{text}");
    assert!(retries[0].contains(": graph_vpptoken: retrying the request"), "{text}");
    assert!(lines_with(&text, "giving up").is_empty(), "{text}");
    assert_nothing_secret(&text);
    server.verify().await;
}

/// What the crate README's subscriber shows: `tracing_subscriber::fmt()` with the filter
/// `graph_vpptoken=debug`, nothing else configured. `with_env_filter` replaces the builder's
/// default `INFO` limit with the directive; without the `env-filter` feature the same is a
/// limit lifted to `TRACE` and the directive as `Targets`.
fn readme_subscriber() -> (Captured, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::layer::SubscriberExt;

    let captured = Captured::default();
    let writer = captured.clone();
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("graph_vpptoken", tracing::Level::DEBUG);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish()
        .with(filter);
    (captured, install(subscriber))
}

/// `text` without the timestamp that starts each line.
fn without_timestamps(text: &str) -> Vec<&str> {
    text.lines()
        .map(|line| line.split_once(' ').map_or(line, |(_, rest)| rest.trim_start()))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_readme_subscriber_prints_one_line_per_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ITEM))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", REQUEST_ID)
                .set_body_json(json!({"id": ID, "state": "valid"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/missing")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "r-404")
                .set_body_json(json!({"error": {"code": "ResourceNotFound", "message": "gone"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let (captured, _guard) = readme_subscriber();
    let client = client(&server);
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    tokens.by_id(ID).get().send().await.expect("the token");
    let err = tokens.by_id("missing").get().send().await.expect_err("not found");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let text = captured.text();

    // The line the README shows, and one like it for the 404.
    let template = "/deviceAppManagement/vppTokens/{vppToken-id}";
    assert_eq!(
        without_timestamps(&text),
        [
            format!(
                r#"DEBUG graph.request{{url.template="{template}" http.request.method="GET"}}: graph_vpptoken: request completed http.request.method="GET" url.template="{template}" http.response.status_code=200 duration=0ns request_id="{REQUEST_ID}""#
            ),
            format!(
                r#"DEBUG graph.request{{url.template="{template}" http.request.method="GET"}}: graph_vpptoken: request completed http.request.method="GET" url.template="{template}" http.response.status_code=404 duration=0ns request_id="r-404""#
            ),
        ],
        "{text}"
    );
    assert_nothing_secret(&text);
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn giving_up_is_a_warning_after_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ITEM))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "2")
                .insert_header("request-id", "r-503")
                .set_body_json(json!({"error": {"code": "ServiceUnavailable", "message": "busy"}})),
        )
        .expect(2)
        .mount(&server)
        .await;

    let (captured, _guard) = readme_subscriber();
    // As the paused-time client, with two attempts.
    let client = Client::builder()
        .endpoint(server.uri())
        .bearer_token(ACCESS_TOKEN)
        .http_client(
            graph_vpptoken::client::http_client_builder()
                .unwrap()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
        )
        .timeout(None)
        .max_attempts(2)
        .build()
        .unwrap();
    let err = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .by_id(ID)
        .get()
        .send()
        .await
        .expect_err("unavailable");
    assert!(matches!(err, Error::RetriesExhausted { attempts: 2, .. }), "{err:?}");
    let text = captured.text();
    let lines = without_timestamps(&text);
    assert_eq!(lines.len(), 2, "a retry and the give-up:\n{text}");
    assert!(lines[0].starts_with("INFO graph.request{"), "{text}");
    assert!(lines[0].contains(": graph_vpptoken: retrying the request "), "{text}");
    assert!(lines[1].starts_with("WARN graph.request{"), "{text}");
    for field in [
        ": graph_vpptoken: giving up on the request ",
        r#"http.request.method="GET""#,
        "http.response.status_code=503",
        "duration=2s",
        r#"request_id="r-503""#,
        "attempts=2",
        r#"reason="unavailable""#,
    ] {
        assert!(lines[1].contains(field), "no {field} in the give-up:\n{text}");
    }
    assert!(lines_with(&text, "request completed").is_empty(), "{text}");
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn secrets_never_reach_the_log() {
    let server = MockServer::start().await;
    // The update sends the vppToken's token; the service refuses it and quotes it back.
    Mock::given(method("PATCH"))
        .and(path(ITEM))
        .and(body_json(json!({"token": VPP_TOKEN})))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("request-id", REQUEST_ID)
                .set_body_json(json!({"error": {
                    "code": "BadRequest",
                    "message": format!("The token {VPP_TOKEN} was refused for {ACCESS_TOKEN}."),
                    "innerError": {"request-id": REQUEST_ID, "token": VPP_TOKEN}
                }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // A list of two pages, the second behind a next link with a skip token.
    let next = format!("{}{LIST}?$skiptoken={SKIP_TOKEN}", server.uri());
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("$skiptoken", SKIP_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "c", "token": VPP_TOKEN}]
        })))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "a", "token": VPP_TOKEN}, {"id": "b"}],
            "@odata.nextLink": next,
        })))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;

    let (captured, _guard) = capture();
    let client = client(&server);
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    let err = tokens
        .by_id(ID)
        .update(&VppTokenPatch::new().token(VPP_TOKEN))
        .send()
        .await
        .expect_err("refused");
    assert!(matches!(&err, Error::Status(_)), "{err:?}");
    let all: Vec<v1_0::VppToken> = tokens
        .list()
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(all.len(), 3);
    let text = captured.text();

    let update = requests_with(&text, r#"http.request.method="PATCH""#);
    assert_eq!(update.len(), 1, "{text}");
    assert!(
        update[0].contains("http.response.status_code=400"),
        "{text}"
    );
    assert!(
        update[0].contains(&format!(r#"request_id="{REQUEST_ID}""#)),
        "{text}"
    );

    let pages = lines_with(&text, "read a page");
    assert_eq!(pages.len(), 2, "{text}");
    for (line, fields) in pages.iter().zip([
        ["page=1", "items=2", "more=true"],
        ["page=2", "items=1", "more=false"],
    ]) {
        for field in fields {
            assert!(line.contains(field), "no {field} in {line}");
        }
        assert!(
            line.contains(r#"url.template="/deviceAppManagement/vppTokens""#),
            "{line}"
        );
    }
    // Both pages' requests are spans named by the collection's template.
    let lists = requests_with(&text, r#"url.template="/deviceAppManagement/vppTokens""#);
    assert_eq!(lists.len(), 2, "{text}");
    for list in lists {
        assert!(list.contains("http.response.status_code=200"), "{list}");
    }
    assert_nothing_secret(&text);
    server.verify().await;
}
