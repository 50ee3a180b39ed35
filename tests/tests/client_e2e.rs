//! End to end: the `client` feature of `graph-vpptoken` against a wiremock server on loopback
//! that replays the documented examples (`shared/docs-examples/examples.json`, read by id) and
//! Graph's error and throttling responses.
//!
//! Every mock checks the method, the path, the JSON body where there is one and the
//! `Authorization: Bearer …` header, and expects to be called exactly once unless said
//! otherwise. Retry delays are kept in milliseconds so that the whole file runs in a few
//! seconds; only the `Retry-After: 1` test waits a full second.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use graph_vpptoken::client::{BoxError, Client, Error, TransportKind};
use graph_vpptoken::runtime::DateTimeOffset;
use graph_vpptoken::{beta, v1_0};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The id used in every documented example.
const ID: &str = "9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
/// The access token the tests hand to the client; it must never show up in any output.
const TOKEN: &str = "eyJ0eXAi.test-access-token.5ecr3t";
const V1: &str = "/v1.0/deviceAppManagement/vppTokens";
const BETA: &str = "/beta/deviceAppManagement/vppTokens";

// ---------------------------------------------------------------------------------------------
// The documented examples

/// The documented examples by id.
fn examples() -> &'static HashMap<String, Value> {
    static EXAMPLES: OnceLock<HashMap<String, Value>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let file =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/docs-examples/examples.json");
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let all: Vec<Value> = serde_json::from_str(&text).expect("examples.json is JSON");
        all.into_iter()
            .map(|e| (e["id"].as_str().expect("an id").to_owned(), e))
            .collect()
    })
}

fn example(id: &str) -> &'static Value {
    examples()
        .get(id)
        .unwrap_or_else(|| panic!("no documented example {id}"))
}

/// The documented request body.
fn request_body(id: &str) -> Value {
    let body = example(id)["request"]["body"].clone();
    assert!(!body.is_null(), "{id} has no request body");
    body
}

/// The documented response body (`None` for a 204).
fn response_body(id: &str) -> Option<Value> {
    Some(example(id)["response"]["body"].clone()).filter(|b| !b.is_null())
}

/// The documented response: status and JSON body, as published.
fn replay(id: &str) -> ResponseTemplate {
    let status = example(id)["response"]["status_code"]
        .as_u64()
        .expect("a status code");
    let template = ResponseTemplate::new(u16::try_from(status).unwrap());
    match response_body(id) {
        Some(body) => template.set_body_json(body),
        None => template,
    }
}

/// The documented response of a get or syncLicenses example, whose page shows the entity
/// wrapped in `{"value": …}`. The service does not wrap a single entity (the create and
/// update pages show it bare), so the bare entity is served.
fn replay_unwrapped(id: &str) -> ResponseTemplate {
    let body = response_body(id).expect("a response body");
    let entity = body
        .get("value")
        .filter(|v| v.is_object())
        .unwrap_or_else(|| panic!("{id}: expected the documented {{\"value\": {{…}}}} wrapper"))
        .clone();
    ResponseTemplate::new(200).set_body_json(entity)
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A client for `server` with the static test token and quick retries.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .endpoint(server.uri())
        .bearer_token(TOKEN)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(50))
        .max_total_wait(Duration::from_secs(5))
        .build()
        .expect("a client")
}

/// A mock of `verb path` with the bearer token, expected once.
fn expect(verb: &str, route: &str) -> wiremock::MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

fn datetime(text: &str) -> DateTimeOffset {
    DateTimeOffset::parse(text).expect("a documented date-time")
}

/// Asserts that `text` shows nothing of the access token.
fn assert_no_token(text: &str) {
    assert!(!text.contains(TOKEN), "the token leaked: {text}");
    assert!(!text.contains("5ecr3t"), "part of the token leaked: {text}");
}

async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .len()
}

// ---------------------------------------------------------------------------------------------
// Every operation, as documented

/// Mounts, on `collection` (the vppTokens path of one version), the documented list, create,
/// get, update, delete and syncLicenses exchanges of that version (`v1.0` or `beta`) and a
/// `$count`, each expected once. Returns the path of the documented item.
async fn mount_documented_crud(server: &MockServer, collection: &str, version: &str) -> String {
    let id = |operation: &str| format!("{version}-vppToken-{operation}-01");
    let item = format!("{collection}/{ID}");
    expect("GET", collection)
        .respond_with(replay(&id("list")))
        .expect(1)
        .mount(server)
        .await;
    // Not in the docs: `$count` answers with a plain-text number.
    expect("GET", &format!("{collection}/$count"))
        .and(header("accept", "text/plain"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("1", "text/plain"))
        .expect(1)
        .mount(server)
        .await;
    expect("POST", collection)
        .and(body_json(request_body(&id("create"))))
        .respond_with(replay(&id("create")))
        .expect(1)
        .mount(server)
        .await;
    expect("GET", &item)
        .respond_with(replay_unwrapped(&id("get")))
        .expect(1)
        .mount(server)
        .await;
    expect("PATCH", &item)
        .and(body_json(request_body(&id("update"))))
        .respond_with(replay(&id("update")))
        .expect(1)
        .mount(server)
        .await;
    expect("DELETE", &item)
        .respond_with(replay(&id("delete")))
        .expect(1)
        .mount(server)
        .await;
    expect("POST", &format!("{item}/syncLicenses"))
        .respond_with(replay_unwrapped(&id("syncLicenses")))
        .expect(1)
        .mount(server)
        .await;
    item
}

#[tokio::test]
async fn v1_0_operations_replay_the_documented_examples() {
    let server = MockServer::start().await;
    mount_documented_crud(&server, V1, "v1.0").await;
    let client = client(&server);
    let tokens = client.v1_0().device_app_management().vpp_tokens();

    let page = tokens.list().send().await.expect("list");
    assert_eq!(page.value.len(), 1);
    assert!(page.next_link.is_none());
    let listed = &page.value[0];
    assert_eq!(listed.id.as_deref(), Some(ID));
    assert_eq!(listed.state, Some(v1_0::VppTokenState::Valid));
    assert_eq!(
        listed
            .expiration_date_time
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("2016-12-31T23:57:57.2481234-08:00")
    );

    assert_eq!(tokens.count().send().await.expect("count"), 1);

    let entity: v1_0::VppToken =
        serde_json::from_value(request_body("v1.0-vppToken-create-01")).expect("a vppToken");
    let created = tokens.create(&entity).send().await.expect("create");
    assert_eq!(created.id.as_deref(), Some(ID));
    assert_eq!(
        created.vpp_token_account_type,
        Some(v1_0::VppTokenAccountType::Education)
    );

    let got = tokens.by_id(ID).get().send().await.expect("get");
    assert_eq!(
        got.organization_name.as_deref(),
        Some("Organization Name value")
    );
    assert_eq!(
        got.last_sync_status,
        Some(v1_0::VppTokenSyncStatus::InProgress)
    );

    let patch = v1_0::VppTokenPatch::new()
        .odata_type("#microsoft.graph.vppToken")
        .organization_name("Organization Name value")
        .vpp_token_account_type(v1_0::VppTokenAccountType::Education)
        .apple_id("Apple Id value")
        .expiration_date_time(datetime("2016-12-31T23:57:57.2481234-08:00"))
        .last_sync_date_time(datetime("2017-01-01T00:02:49.3205976-08:00"))
        .token("Token value")
        .state(v1_0::VppTokenState::Valid)
        .last_sync_status(v1_0::VppTokenSyncStatus::InProgress)
        .automatically_update_apps(true)
        .country_or_region("Country Or Region value");
    let updated = tokens
        .by_id(ID)
        .update(&patch)
        .send()
        .await
        .expect("update");
    let updated = updated.expect("the documented update returns the entity");
    assert_eq!(
        updated.country_or_region.as_deref(),
        Some("Country Or Region value")
    );

    tokens.by_id(ID).delete().send().await.expect("delete");

    let synced = tokens
        .by_id(ID)
        .sync_licenses()
        .send()
        .await
        .expect("syncLicenses");
    assert_eq!(synced.and_then(|t| t.id).as_deref(), Some(ID));

    server.verify().await;
    let requests = server.received_requests().await.unwrap();
    let sync = requests
        .iter()
        .find(|r| r.url.path().ends_with("/syncLicenses"))
        .unwrap();
    assert!(
        sync.body.is_empty(),
        "syncLicenses is documented without a body"
    );
}

#[tokio::test]
async fn beta_operations_replay_the_documented_examples() {
    let server = MockServer::start().await;
    let item = mount_documented_crud(&server, BETA, "beta").await;
    expect("POST", &format!("{item}/revokeLicenses"))
        .and(body_json(request_body("beta-vppToken-revokeLicenses-01")))
        .respond_with(replay("beta-vppToken-revokeLicenses-01"))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", &format!("{BETA}/syncLicenseCounts"))
        .respond_with(replay("beta-vppToken-syncLicenseCounts-01"))
        .expect(1)
        .mount(&server)
        .await;
    expect(
        "GET",
        &format!("{BETA}/getLicensesForApp(bundleId='parameterValue')"),
    )
    .respond_with(replay("beta-vppToken-getLicensesForApp-01"))
    .expect(1)
    .mount(&server)
    .await;

    let client = client(&server);
    let tokens = client.beta().device_app_management().vpp_tokens();

    let page = tokens.list().send().await.expect("list");
    assert_eq!(page.value.len(), 1);
    assert_eq!(
        page.value[0].display_name.as_deref(),
        Some("Display Name value")
    );

    assert_eq!(tokens.count().send().await.expect("count"), 1);

    let entity: beta::VppToken =
        serde_json::from_value(request_body("beta-vppToken-create-01")).expect("a vppToken");
    let created = tokens.create(&entity).send().await.expect("create");
    assert_eq!(created.id.as_deref(), Some(ID));

    let got = tokens.by_id(ID).get().send().await.expect("get");
    assert_eq!(
        got.role_scope_tag_ids.as_deref(),
        Some(&["Role Scope Tag Ids value".to_owned()][..])
    );

    let documented = request_body("beta-vppToken-update-01");
    let action_results: Vec<beta::AnyVppTokenActionResult> =
        serde_json::from_value(documented["tokenActionResults"].clone()).expect("action results");
    let patch = beta::VppTokenPatch::new()
        .odata_type("#microsoft.graph.vppToken")
        .organization_name("Organization Name value")
        .vpp_token_account_type(beta::VppTokenAccountType::Education)
        .apple_id("Apple Id value")
        .expiration_date_time(datetime("2016-12-31T23:57:57.2481234-08:00"))
        .last_sync_date_time(datetime("2017-01-01T00:02:49.3205976-08:00"))
        .token("Token value")
        .state(beta::VppTokenState::Valid)
        .token_action_results(action_results)
        .last_sync_status(beta::VppTokenSyncStatus::InProgress)
        .automatically_update_apps(true)
        .country_or_region("Country Or Region value")
        .data_sharing_consent_granted(true)
        .display_name("Display Name value")
        .location_name("Location Name value")
        .claim_token_management_from_external_mdm(true)
        .role_scope_tag_ids(vec!["Role Scope Tag Ids value".to_owned()]);
    let updated = tokens
        .by_id(ID)
        .update(&patch)
        .send()
        .await
        .expect("update");
    assert_eq!(
        updated.and_then(|t| t.display_name).as_deref(),
        Some("Display Name value")
    );

    tokens.by_id(ID).delete().send().await.expect("delete");

    let synced = tokens
        .by_id(ID)
        .sync_licenses()
        .send()
        .await
        .expect("syncLicenses");
    assert_eq!(synced.and_then(|t| t.id).as_deref(), Some(ID));

    let revoke = beta::RevokeLicensesParameters {
        notify_managed_devices: true,
        revoke_untracked_licenses: None,
    };
    tokens
        .by_id(ID)
        .revoke_licenses(&revoke)
        .send()
        .await
        .expect("revokeLicenses");

    tokens
        .sync_license_counts()
        .send()
        .await
        .expect("syncLicenseCounts");

    let licenses = tokens
        .get_licenses_for_app("parameterValue")
        .send()
        .await
        .expect("getLicensesForApp");
    assert_eq!(licenses.value.len(), 1);
    let summary = &licenses.value[0];
    assert_eq!(summary.available_license_count, Some(5));
    assert_eq!(summary.used_license_count, Some(0));
    assert_eq!(summary.vpp_token_id.as_deref(), Some("Vpp Token Id value"));

    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Paging

/// Serves the v1.0 list as three pages linked by `@odata.nextLink`: ids a, b | c | d, e.
async fn mount_three_pages(server: &MockServer) {
    let next = |token: &str| format!("{}{V1}?$skiptoken={token}", server.uri());
    let page = |ids: &[&str], next_link: Option<String>| {
        let value: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "state": "valid"}))
            .collect();
        let mut body = json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceAppManagement/vppTokens",
            "value": value,
        });
        if let Some(link) = next_link {
            body["@odata.nextLink"] = Value::String(link);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    expect("GET", V1)
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(page(&["a", "b"], Some(next("page2"))))
        .mount(server)
        .await;
    expect("GET", V1)
        .and(query_param("$skiptoken", "page2"))
        .respond_with(page(&["c"], Some(next("page3"))))
        .mount(server)
        .await;
    expect("GET", V1)
        .and(query_param("$skiptoken", "page3"))
        .respond_with(page(&["d", "e"], None))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_list_is_streamed_across_three_pages() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let client = client(&server);
    let list = client.v1_0().device_app_management().vpp_tokens().list();

    // As a `futures` Stream.
    let mut stream = list.stream();
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        ids.push(item.expect("an item").id.expect("an id"));
    }
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(stream.pages(), 3);
    assert_eq!(request_count(&server).await, 3);

    // With a page limit: only the first two pages are requested.
    let limited = list
        .stream()
        .max_pages(2)
        .collect_all()
        .await
        .expect("two pages");
    let ids: Vec<_> = limited.into_iter().filter_map(|t| t.id).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(request_count(&server).await, 5);

    // Through `Client::stream`, for a request built without the client.
    let unbound = v1_0::GraphRequestBuilder::with_service_root(format!("{}/v1.0", server.uri()))
        .device_app_management()
        .vpp_tokens()
        .list();
    let all = client
        .stream(unbound)
        .collect_all()
        .await
        .expect("all pages");
    assert_eq!(all.len(), 5);
    assert_eq!(request_count(&server).await, 8);
}

#[tokio::test]
async fn next_pages_can_be_requested_one_by_one() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let client = client(&server);

    let first = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .send()
        .await
        .expect("page 1");
    // `Collection::next_page` has no client: sending it needs one.
    let unbound = first.next_page().expect("a next link");
    assert!(matches!(unbound.send().await, Err(Error::NotBound)));

    let second = client
        .next_page(&first)
        .expect("a next link")
        .send()
        .await
        .expect("page 2");
    assert_eq!(second.value[0].id.as_deref(), Some("c"));
    let third = client
        .execute(&second.next_page().unwrap())
        .await
        .expect("page 3");
    assert_eq!(third.value.len(), 2);
    assert!(client.next_page(&third).is_none());
}

/// A page of the v1.0 list: `items` as they are sent, then `next`, a skip token, if any.
fn page_of(server: &MockServer, items: Vec<Value>, next: Option<&str>) -> ResponseTemplate {
    let mut body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceAppManagement/vppTokens",
        "value": items,
    });
    if let Some(token) = next {
        body["@odata.nextLink"] = Value::String(format!("{}{V1}?$skiptoken={token}", server.uri()));
    }
    ResponseTemplate::new(200).set_body_json(body)
}

fn token_item(id: &str) -> Value {
    json!({"id": id, "state": "valid"})
}

/// Serves the v1.0 list as three pages: a, b | c, (a token whose `state` is a number), d |
/// e, f. Each page is served as often as it is asked for.
async fn mount_pages_with_a_bad_item(server: &MockServer) {
    let good = |ids: &[&str]| ids.iter().map(|id| token_item(id)).collect::<Vec<_>>();
    let second = vec![
        token_item("c"),
        json!({"id": "bad", "state": 7}),
        token_item("d"),
    ];
    for (token, items, next) in [
        (None, good(&["a", "b"]), Some("page2")),
        (Some("page2"), second, Some("page3")),
        (Some("page3"), good(&["e", "f"]), None),
    ] {
        let mock = match token {
            None => expect("GET", V1).and(query_param_is_missing("$skiptoken")),
            Some(token) => expect("GET", V1).and(query_param("$skiptoken", token)),
        };
        mock.respond_with(page_of(server, items, next))
            .mount(server)
            .await;
    }
}

/// Asserts that `err` is the decode error of the bad item of the second page.
fn assert_bad_item(err: &Error) {
    let Error::Decode {
        status,
        path,
        message,
    } = err
    else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(path, "value[1].state");
    // What was wrong and what was expected, never the value.
    assert!(
        message.starts_with("invalid type: integer, expected an enum member name at line 1"),
        "{message}"
    );
    assert_no_token(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn a_bad_item_costs_one_item_and_the_pages_after_it_are_read() {
    let server = MockServer::start().await;
    mount_pages_with_a_bad_item(&server).await;
    let client = client(&server);
    let list = client.v1_0().device_app_management().vpp_tokens().list();

    // Matching each item: every good item of every page, and the bad one's error in its place.
    let mut stream = list.stream();
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    // How many pages had been asked for when each item came: one page at a time, the next
    // once the items of the previous one are taken.
    let mut requests = Vec::new();
    while let Some(item) = stream.next().await {
        requests.push(request_count(&server).await);
        match item {
            Ok(token) => ids.push(token.id.expect("an id")),
            Err(err) => {
                errors.push(err);
                ids.push("<error>".to_owned());
            }
        }
    }
    assert_eq!(ids, ["a", "b", "c", "<error>", "d", "e", "f"]);
    assert_eq!(requests, [1, 1, 2, 2, 2, 3, 3]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_bad_item(&errors[0]);
    assert_eq!(stream.pages(), 3);
    assert_eq!(request_count(&server).await, 3);

    // With `?` on `try_next`, the loop stops at the bad item: the third page is not asked for.
    let mut stream = list.stream();
    let mut seen = Vec::new();
    let stopped: Result<(), Error> = async {
        while let Some(token) = stream.try_next().await? {
            seen.push(token.id.expect("an id"));
        }
        Ok(())
    }
    .await;
    assert_bad_item(&stopped.expect_err("stops at the bad item"));
    assert_eq!(seen, ["a", "b", "c"]);
    assert_eq!(request_count(&server).await, 5);

    // `collect_all` returns the first error.
    let err = list.stream().collect_all().await.expect_err("a bad item");
    assert_bad_item(&err);
    assert_eq!(request_count(&server).await, 7);

    // A single page is decoded whole: the bad item fails the second page.
    let first = list.send().await.expect("page 1");
    let err = client
        .next_page(&first)
        .expect("a next link")
        .send()
        .await
        .expect_err("the page fails whole");
    assert_bad_item(&err);
}

#[tokio::test]
async fn a_page_that_is_not_json_ends_the_stream_without_being_asked_again() {
    let server = MockServer::start().await;
    expect("GET", V1)
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(page_of(
            &server,
            vec![token_item("a"), token_item("b")],
            Some("page2"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", V1)
        .and(query_param("$skiptoken", "page2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string("<html>Service busy</html>"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut stream = client(&server)
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .stream();
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    assert_eq!(items.len(), 3, "{items:?}");
    let ids: Vec<_> = items[..2]
        .iter()
        .map(|item| item.as_ref().expect("a token").id.as_deref())
        .collect();
    assert_eq!(ids, [Some("a"), Some("b")]);
    let err = items[2].as_ref().expect_err("the page fails");
    assert!(
        matches!(err, Error::Decode { path, .. } if path == "."),
        "{err:?}"
    );
    assert!(!err.to_string().contains("busy"), "{err}");
    // Polled again, the stream stays ended and asks for nothing.
    assert!(stream.next().await.is_none());
    assert!(stream.try_next().await.expect("no error").is_none());
    assert_eq!(stream.pages(), 1);
    assert_eq!(request_count(&server).await, 2);
}

// ---------------------------------------------------------------------------------------------
// Throttling and retries

fn throttled(status: u16, retry_after: &str) -> ResponseTemplate {
    let code = if status == 429 {
        "TooManyRequests"
    } else {
        "ServiceUnavailable"
    };
    ResponseTemplate::new(status)
        .insert_header("Retry-After", retry_after)
        .set_body_json(json!({"error": {"code": code, "message": "Try again later."}}))
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let server = MockServer::start().await;
    expect("GET", &format!("{V1}/$count"))
        .respond_with(throttled(429, "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", &format!("{V1}/$count"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("7", "text/plain"))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let started = Instant::now();
    let count = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .count()
        .send()
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();
    assert_eq!(count, 7);
    assert_eq!(request_count(&server).await, 2);
    assert!(
        elapsed >= Duration::from_millis(990),
        "waited only {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
    server.verify().await;
}

#[tokio::test]
async fn a_retry_after_date_in_the_past_is_retried_at_once() {
    let server = MockServer::start().await;
    expect("DELETE", &format!("{V1}/{ID}"))
        .respond_with(throttled(503, "Sun, 06 Nov 1994 08:49:37 GMT"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    expect("DELETE", &format!("{V1}/{ID}"))
        .respond_with(ResponseTemplate::new(204))
        .with_priority(2)
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server)
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .by_id(ID)
        .delete()
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(request_count(&server).await, 2);
    assert!(started.elapsed() < Duration::from_millis(900));
}

#[tokio::test]
async fn a_503_is_retried_until_the_attempts_run_out() {
    let server = MockServer::start().await;
    // No Retry-After: exponential backoff from 5 ms.
    expect("GET", V1)
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": {
            "code": "ServiceUnavailable",
            "message": "The service is temporarily unavailable.",
            "innerError": {"request-id": "req-503"}
        }})))
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::builder()
        .endpoint(server.uri())
        .bearer_token(TOKEN)
        .max_attempts(3)
        .base_delay(Duration::from_millis(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let Error::RetriesExhausted { attempts, last } = &err else {
        panic!("expected RetriesExhausted, got {err:?}");
    };
    assert_eq!(*attempts, 3);
    let Error::Status(graph) = last.as_ref() else {
        panic!("expected the last 503, got {last:?}");
    };
    assert_eq!(graph.status.as_u16(), 503);
    assert_eq!(graph.code.as_deref(), Some("ServiceUnavailable"));
    assert_eq!(
        err.graph_error().and_then(|g| g.request_id()),
        Some("req-503")
    );
    assert_eq!(request_count(&server).await, 3);
    assert_no_token(&format!("{err} {err:?}"));
    server.verify().await;
}

#[tokio::test]
async fn a_retry_after_beyond_the_wait_budget_stops_at_once() {
    let server = MockServer::start().await;
    expect("GET", V1)
        .respond_with(throttled(429, "120"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = client(&server)
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(&err, Error::RetriesExhausted { attempts: 1, last } if matches!(**last, Error::Status(_))),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    server.verify().await;
}

#[tokio::test]
async fn other_errors_are_not_retried_and_keep_graphs_details() {
    let server = MockServer::start().await;
    expect("GET", &format!("{V1}/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {
            "code": "ResourceNotFound",
            "message": "The vppToken 'missing' was not found.",
            "innerError": {
                "request-id": "7b3f6a1e-0000-4000-8000-000000000001",
                "date": "2024-03-05T10:11:12",
                "client-request-id": "c1d2e3f4-0000-4000-8000-000000000002"
            }
        }})))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", &format!("{V1}/{ID}/syncLicenses"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    let err = tokens.by_id("missing").get().send().await.unwrap_err();
    let Error::Status(graph) = &err else {
        panic!("expected a status error, got {err:?}");
    };
    assert_eq!(graph.status.as_u16(), 404);
    assert_eq!(graph.code.as_deref(), Some("ResourceNotFound"));
    assert_eq!(
        graph.message.as_deref(),
        Some("The vppToken 'missing' was not found.")
    );
    assert_eq!(
        graph.request_id(),
        Some("7b3f6a1e-0000-4000-8000-000000000001")
    );
    assert_eq!(
        err.to_string(),
        "HTTP 404 Not Found: ResourceNotFound: The vppToken 'missing' was not found. \
         (request-id 7b3f6a1e-0000-4000-8000-000000000001)"
    );
    assert_no_token(&format!("{err} {err:?}"));

    let err = tokens.by_id(ID).sync_licenses().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.graph_error().map(|g| g.body.as_str()), Some("oops"));
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// Tokens and secrets

#[tokio::test]
async fn the_async_token_source_is_asked_before_every_attempt() {
    let server = MockServer::start().await;
    let count = format!("{V1}/$count");
    for (n, response) in [
        (1, throttled(429, "0")),
        (
            2,
            ResponseTemplate::new(200).set_body_raw("3", "text/plain"),
        ),
        (
            3,
            ResponseTemplate::new(200).set_body_raw("4", "text/plain"),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(count.as_str()))
            .and(header(
                "authorization",
                format!("Bearer dynamic-{n}").as_str(),
            ))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let source = {
        let calls = Arc::clone(&calls);
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, BoxError>(format!("dynamic-{n}")) }
        }
    };
    let client = Client::builder()
        .endpoint(server.uri())
        .token_source(source)
        .build()
        .unwrap();
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    assert_eq!(tokens.count().send().await.unwrap(), 3);
    assert_eq!(tokens.count().send().await.unwrap(), 4);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    server.verify().await;

    // A failing token source fails the request before anything is sent.
    let failing = Client::builder()
        .endpoint(server.uri())
        .token_source(|| async { Err::<String, BoxError>("the vault is sealed".into()) })
        .build()
        .unwrap();
    let err = failing
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .count()
        .send()
        .await;
    assert!(
        matches!(&err, Err(Error::Token(e)) if e.to_string() == "the vault is sealed"),
        "{err:?}"
    );
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn the_static_token_is_sent_as_a_bearer_header_and_never_shown() {
    let server = MockServer::start().await;
    expect("GET", V1)
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
            "code": "Forbidden", "message": "Missing scope.",
            "innerError": {"request-id": "req-403"}
        }})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let builder_debug = format!("{:?}", Client::builder().bearer_token(TOKEN));
    assert_no_token(&builder_debug);
    assert_no_token(&format!("{client:?} {client:#?}"));

    let list = client.v1_0().device_app_management().vpp_tokens().list();
    assert_no_token(&format!("{list:?}"));
    let err = list.send().await.unwrap_err();
    assert_eq!(
        err.graph_error().and_then(|g| g.request_id()),
        Some("req-403")
    );
    assert_no_token(&format!("{err} {err:?} {err:#?}"));

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    assert_eq!(received[0].headers["accept"], "application/json");
    server.verify().await;
}

#[tokio::test]
async fn transport_errors_show_neither_the_token_nor_the_query() {
    // A port that was free a moment ago: the connection is refused.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .bearer_token(TOKEN)
        .max_attempts(2)
        .base_delay(Duration::from_millis(5))
        .build()
        .unwrap();
    let err = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .filter("appleId eq 'private@example.com'")
        .send()
        .await
        .unwrap_err();
    // Connection errors are retried: the request never reached the service.
    let Error::RetriesExhausted { attempts: 2, last } = &err else {
        panic!("expected RetriesExhausted after 2 attempts, got {err:?}");
    };
    assert!(matches!(**last, Error::Transport(_)), "{last:?}");
    // Each error says its part; the cause is the source.
    assert_eq!(err.to_string(), "gave up after 2 attempts");
    assert_eq!(last.to_string(), "HTTP transport error: connection refused");
    assert_eq!(err.transport_kind(), Some(TransportKind::Refused));
    let source = std::error::Error::source(&err).expect("the last attempt");
    assert_eq!(source.to_string(), last.to_string());
    let text = format!("{err} {err:?}");
    assert_no_token(&text);
    assert!(!text.contains("private@example.com"), "{text}");
    assert!(
        text.contains("/v1.0/deviceAppManagement/vppTokens"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Decoding, binding and foreign URLs

#[tokio::test]
async fn a_malformed_body_is_a_decode_error_with_its_json_path() {
    let server = MockServer::start().await;
    expect("GET", V1)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [
                {"id": "a", "automaticallyUpdateApps": true},
                {"id": "b", "automaticallyUpdateApps": "yes"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .send()
        .await
        .unwrap_err();
    let Error::Decode {
        status,
        path,
        message,
    } = &err
    else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(path, "value[1].automaticallyUpdateApps");
    assert!(message.contains("expected a boolean"), "{message}");
    assert_no_token(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn requests_built_without_the_client_are_executed_or_refused() {
    let server = MockServer::start().await;
    expect("GET", &format!("{BETA}/$count"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("2", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    // Built from a root of its own, below the client's Graph endpoint: sent.
    let count = beta::GraphRequestBuilder::with_service_root(format!("{}/beta", server.uri()))
        .device_app_management()
        .vpp_tokens()
        .count();
    assert!(matches!(count.send().await, Err(Error::NotBound)));
    assert_eq!(client.execute(&count).await.unwrap(), 2);

    // Built at the default root (graph.microsoft.com): the token is not sent elsewhere.
    let foreign = beta::device_app_management().vpp_tokens().count();
    let err = client.execute(&foreign).await.unwrap_err();
    assert!(
        matches!(&err, Error::ForeignUrl { origin } if origin == "https://graph.microsoft.com"),
        "{err:?}"
    );
    server.verify().await;
}

// ---------------------------------------------------------------------------------------------
// The example program

/// Builds the `vpp_tokens` example and returns the path of its executable.
fn build_example() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(&workspace)
        .args([
            "build",
            "--quiet",
            "--package",
            "graph-vpptoken",
            "--example",
            "vpp_tokens",
            "--features",
            "client",
            "--message-format=json",
        ])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "building the example failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "vpp_tokens")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the example's executable")
}

#[tokio::test]
async fn the_example_lists_updates_and_syncs() {
    let executable = tokio::task::spawn_blocking(build_example).await.unwrap();

    let server = MockServer::start().await;
    expect("GET", V1)
        .respond_with(replay("v1.0-vppToken-list-01"))
        .expect(1)
        .mount(&server)
        .await;
    expect("PATCH", &format!("{V1}/{ID}"))
        .and(body_json(
            json!({"countryOrRegion": "Country Or Region value"}),
        ))
        .respond_with(replay("v1.0-vppToken-update-01"))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", &format!("{V1}/{ID}/syncLicenses"))
        .respond_with(replay_unwrapped("v1.0-vppToken-syncLicenses-01"))
        .expect(1)
        .mount(&server)
        .await;

    let uri = server.uri();
    let program = executable.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(program)
            .args(["--endpoint", &uri, "--token", TOKEN])
            .args(["--country", "Country Or Region value"])
            .output()
            .expect("the example runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "listed 1 VPP token(s)".to_owned(),
            format!(
                "  {ID} (Organization Name value, valid, expires 2016-12-31T23:57:57.2481234-08:00)"
            ),
            format!("updated {ID}: countryOrRegion = Country Or Region value"),
            format!("synced the licenses of {ID}: last sync status inProgress"),
        ]
    );
    assert_no_token(&stdout);
    assert_no_token(&stderr);
    assert_eq!(request_count(&server).await, 3);
    server.verify().await;

    // Without a token it stops with a usage error and sends nothing.
    let output = std::process::Command::new(executable)
        .args(["--endpoint", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--token is required"));
}
