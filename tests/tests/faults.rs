//! Load and faults: the client against the fault-injecting loopback server of
//! `fault_server`, under concurrency, a throttling storm, broken and stalled connections,
//! truncated bodies and undecodable items in a long listing.
//!
//! Every assertion is on what was received and how often the server saw each request (counted
//! server-side), never on how long something took. Retry waits are zero or a few
//! milliseconds; the only real waits are the request timeouts of the stalled-response tests
//! (one [`TIMEOUT`] each).
//!
//! The two load tests each print a line starting with `figure` (throughput at concurrency 64,
//! attempts per request in the throttling storm); run
//! `cargo test -p vpptoken-tests --release --test faults -- --nocapture` to see them (the
//! figures are recorded in BENCHMARKS.md, "Load and faults"). Memory over a long listing is
//! measured in the `faults_memory` binary, alone in its process.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use graph_vpptoken::client::{Client, ClientBuilder, Error, Jitter};
use graph_vpptoken::v1_0;
use serde_json::{Value, json};

mod fault_server;
use fault_server::{FaultServer, Reply, Request, Response, Then};

const TOKEN: &str = "eyJ0eXAi.faults-access-token.5ecr3t";
/// The v1.0 vppTokens collection.
const LIST: &str = "/v1.0/deviceAppManagement/vppTokens";
/// How many requests are in flight at once in the load tests.
const CONCURRENCY: usize = 64;
/// The request timeout of the stalled-response tests; the stalls last far longer.
const TIMEOUT: Duration = Duration::from_secs(1);
/// How long a stalled response stalls: past any timeout here, and shorter than a test run
/// would ever wait for (the server is dropped at the end of its test anyway).
const STALL: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// Helpers

/// A client for `server` with `attempts` attempts and retries that wait 1 ms, then 2 ms, ….
fn client_builder(server: &FaultServer, attempts: u32) -> ClientBuilder {
    Client::builder()
        .endpoint(server.uri())
        .bearer_token(TOKEN)
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(4))
        .jitter(Jitter::None)
}

fn client(server: &FaultServer, attempts: u32) -> Client {
    client_builder(server, attempts).build().expect("a client")
}

/// The target of the vppToken `id`.
fn item_target(id: &str) -> String {
    format!("{LIST}/{id}")
}

/// The id of the vppToken a request is about, if it is one.
fn item_id(request: &Request) -> Option<&str> {
    request
        .path()
        .strip_prefix(LIST)?
        .strip_prefix('/')
        .map(|rest| rest.split('/').next().unwrap_or(rest))
}

/// The vppToken `id` as the server describes it.
fn token_json(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.vppToken",
        "id": id,
        "organizationName": format!("Organization of {id}"),
        "appleId": format!("{id}@example.com"),
        "state": "valid",
        "lastSyncStatus": "completed",
        "automaticallyUpdateApps": true,
        "countryOrRegion": "us",
        "expirationDateTime": "2027-12-31T23:57:57.2481234-08:00",
    })
}

/// `200` with the vppToken `id`.
fn token_response(id: &str) -> Response {
    Response::json(200, &token_json(id))
}

/// A Graph throttling answer with `Retry-After: 0`: `429` or `503`.
fn throttled(status: u16) -> Response {
    let code = if status == 429 {
        "TooManyRequests"
    } else {
        "ServiceUnavailable"
    };
    Response::json(
        status,
        &json!({"error": {"code": code, "message": "Try again later."}}),
    )
    .header("retry-after", "0")
}

/// Runs `job(0)`, …, `job(count - 1)`, at most `concurrency` at a time, on the runtime's
/// threads; the outputs in the order of their inputs.
async fn run_concurrently<T, F, Fut>(count: usize, concurrency: usize, job: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (job, next, done) = (Arc::clone(&job), Arc::clone(&next), Arc::clone(&done));
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= count {
                        return;
                    }
                    let output = job(i).await;
                    done.lock().unwrap().push((i, output));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a worker");
    }
    let mut done = std::mem::take(&mut *done.lock().unwrap());
    done.sort_by_key(|(i, _)| *i);
    assert_eq!(done.len(), count);
    done.into_iter().map(|(_, output)| output).collect()
}

/// Prints a figure of a load test (seen with `--nocapture`).
fn figure(text: &str) {
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("figure ({profile}): {text}");
}

/// The error's message in lower case, for the checks of what it says.
fn said(error: &Error) -> String {
    error.to_string().to_lowercase()
}

/// Fails if `text` shows the access token.
fn assert_no_token(text: &str) {
    assert!(!text.contains("5ecr3t"), "the token leaked: {text}");
}

// ---------------------------------------------------------------------------------------------
// Concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_gets_at_concurrency_64_each_arrive_once() {
    const REQUESTS: usize = 2_000;
    let server = FaultServer::start(|request| match item_id(request) {
        Some(id) if request.method == "GET" => Reply::Full(token_response(id)),
        _ => Reply::Full(Response::json(404, &json!({"error": {"code": "NotFound"}}))),
    })
    .await;
    let client = client(&server, 4);

    let started = Instant::now();
    let results = run_concurrently(REQUESTS, CONCURRENCY, move |i| {
        let tokens = client.v1_0().device_app_management().vpp_tokens();
        async move { tokens.by_id(format!("token-{i:04}")).get().send().await }
    })
    .await;
    let elapsed = started.elapsed();

    for (i, result) in results.into_iter().enumerate() {
        let id = format!("token-{i:04}");
        let token = result.unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!(token.id.as_deref(), Some(id.as_str()));
        assert_eq!(
            token.organization_name,
            Some(format!("Organization of {id}"))
        );
        assert_eq!(token.state, Some(v1_0::VppTokenState::Valid));
    }
    // Server-side: every request exactly once, nothing else.
    let attempts = server.all_attempts();
    assert_eq!(attempts.len(), REQUESTS);
    for i in 0..REQUESTS {
        let target = item_target(&format!("token-{i:04}"));
        assert_eq!(attempts.get(&format!("GET {target}")), Some(&1), "{target}");
    }
    assert_eq!(server.requests(), REQUESTS);
    server.assert_no_protocol_errors();
    figure(&format!(
        "concurrency: {REQUESTS} GETs at concurrency {CONCURRENCY} in {:.2} s: {:.0} requests/s over {} connections",
        elapsed.as_secs_f64(),
        REQUESTS as f64 / elapsed.as_secs_f64(),
        server.connections(),
    ));
}

// ---------------------------------------------------------------------------------------------
// Throttling

/// The status request `i` of the throttling storm is throttled with: 429 or 503 in turn.
fn storm_status(i: usize) -> u16 {
    if i.is_multiple_of(2) { 429 } else { 503 }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_storm_is_ridden_out_within_the_attempt_limit() {
    const REQUESTS: usize = 1_000;
    const MAX_ATTEMPTS: u32 = 4;
    // Request i is throttled on its first `i % 5` attempts (429 or 503, `Retry-After: 0`):
    // four in five are throttled at first, one in five on every attempt it may make.
    let throttled_attempts = |i: usize| u32::try_from(i % 5).unwrap();
    let server = FaultServer::start(move |request| {
        let id = item_id(request).expect("an item request");
        let i: usize = id.trim_start_matches("token-").parse().expect("a number");
        if request.attempt <= throttled_attempts(i) {
            Reply::Full(throttled(storm_status(i)))
        } else {
            Reply::Full(token_response(id))
        }
    })
    .await;
    let client = client(&server, MAX_ATTEMPTS);

    let results = run_concurrently(REQUESTS, CONCURRENCY, move |i| {
        let tokens = client.v1_0().device_app_management().vpp_tokens();
        async move { tokens.by_id(format!("token-{i:04}")).get().send().await }
    })
    .await;

    let mut exhausted = 0;
    for (i, result) in results.into_iter().enumerate() {
        let id = format!("token-{i:04}");
        let seen = server.attempts("GET", &item_target(&id));
        if throttled_attempts(i) < MAX_ATTEMPTS {
            let token = result.unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert_eq!(token.id.as_deref(), Some(id.as_str()));
            assert_eq!(seen, throttled_attempts(i) + 1, "{id}");
        } else {
            let err = result.expect_err("throttled on every attempt");
            let Error::RetriesExhausted { attempts, .. } = &err else {
                panic!("{id}: expected RetriesExhausted, got {err:?}");
            };
            assert_eq!(*attempts, MAX_ATTEMPTS, "{id}");
            assert_eq!(
                err.status().map(|s| s.as_u16()),
                Some(storm_status(i)),
                "{id}"
            );
            assert_eq!(seen, MAX_ATTEMPTS, "{id}");
            exhausted += 1;
        }
    }
    assert_eq!(exhausted, REQUESTS / 5);
    let attempts = server.all_attempts();
    assert_eq!(attempts.len(), REQUESTS);
    let max = attempts.values().copied().max().unwrap_or(0);
    assert!(max <= MAX_ATTEMPTS, "a request was sent {max} times");
    server.assert_no_protocol_errors();
    figure(&format!(
        "throttling storm: {REQUESTS} GETs at concurrency {CONCURRENCY}, max_attempts {MAX_ATTEMPTS}: {} attempts, {:.2} per request (at most {max}), {exhausted} gave up",
        server.requests(),
        server.requests() as f64 / REQUESTS as f64,
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backoff_without_retry_after_stops_at_the_wait_budget() {
    const REQUESTS: usize = 200;
    // Always throttled, without Retry-After: the waits are the backoff, 2 ms then 4 ms (6 ms
    // in all), and the third, 8 ms, would pass the 7 ms budget: 3 attempts, not 10.
    let server = FaultServer::start(|_| {
        Reply::Full(Response::json(
            429,
            &json!({"error": {"code": "TooManyRequests", "message": "Slow down."}}),
        ))
    })
    .await;
    let client = client_builder(&server, 10)
        .base_delay(Duration::from_millis(2))
        .max_delay(Duration::from_secs(1))
        .max_total_wait(Duration::from_millis(7))
        .build()
        .unwrap();

    let results = run_concurrently(REQUESTS, CONCURRENCY, move |i| {
        let tokens = client.v1_0().device_app_management().vpp_tokens();
        async move { tokens.by_id(format!("token-{i:04}")).get().send().await }
    })
    .await;
    for (i, result) in results.into_iter().enumerate() {
        let err = result.expect_err("always throttled");
        assert!(
            matches!(err, Error::RetriesExhausted { attempts: 3, .. }),
            "{i}: {err:?}"
        );
        assert_eq!(
            server.attempts("GET", &item_target(&format!("token-{i:04}"))),
            3
        );
    }
    assert_eq!(server.requests(), 3 * REQUESTS);
}

// ---------------------------------------------------------------------------------------------
// Broken connections

/// The ways a connection breaks before a complete response, by name.
fn broken_connections() -> Vec<(&'static str, Reply)> {
    let body = serde_json::to_vec(&token_json("broken")).unwrap();
    let partial = |sent: usize, then: Then| Reply::Partial {
        response: Response::raw_json(200, body.clone()),
        sent,
        then,
    };
    vec![
        ("closed before any response", Reply::Close),
        ("reset before any response", Reply::Reset),
        ("closed after the headers", partial(0, Then::Close)),
        ("closed mid-body", partial(body.len() / 2, Then::Close)),
        ("reset mid-body", partial(body.len() / 2, Then::Reset)),
    ]
}

#[tokio::test]
async fn gets_and_deletes_are_retried_after_a_broken_connection() {
    let faults = broken_connections();
    let server = FaultServer::start({
        let faults = faults.clone();
        move |request| {
            let id = item_id(request).expect("an item request");
            let n: usize = id.trim_start_matches("fault-").parse().unwrap();
            match (request.attempt, request.method.as_str()) {
                (1, _) => faults[n].1.clone(),
                (_, "DELETE") => Reply::Full(Response::raw_json(204, "")),
                _ => Reply::Full(token_response(id)),
            }
        }
    })
    .await;
    let client = client(&server, 3);
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    for (n, (fault, _)) in faults.iter().enumerate() {
        let id = format!("fault-{n}");
        let got = tokens.by_id(&id).get().send().await;
        let token = got.unwrap_or_else(|e| panic!("GET, {fault}: {e:?}"));
        assert_eq!(token.id.as_deref(), Some(id.as_str()), "{fault}");
        assert_eq!(server.attempts("GET", &item_target(&id)), 2, "GET, {fault}");

        let deleted = tokens.by_id(&id).delete().send().await;
        deleted.unwrap_or_else(|e| panic!("DELETE, {fault}: {e:?}"));
        assert_eq!(
            server.attempts("DELETE", &item_target(&id)),
            2,
            "DELETE, {fault}"
        );
    }
    server.assert_no_protocol_errors();
}

#[tokio::test]
async fn a_get_broken_on_every_attempt_gives_up_at_max_attempts() {
    for (fault, reply) in broken_connections() {
        let server = FaultServer::start(move |_| reply.clone()).await;
        let err = client(&server, 3)
            .v1_0()
            .device_app_management()
            .vpp_tokens()
            .by_id("x")
            .get()
            .send()
            .await
            .expect_err(fault);
        assert!(
            matches!(&err, Error::RetriesExhausted { attempts: 3, last } if matches!(**last, Error::Transport(_))),
            "{fault}: {err:?}"
        );
        assert_eq!(server.attempts("GET", &item_target("x")), 3, "{fault}");
    }
}

/// The requests that are not idempotent: create and syncLicenses (`POST`), update (`PATCH`).
async fn send_non_idempotent(client: &Client, operation: &str) -> Result<(), Error> {
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    match operation {
        "POST create" => {
            let entity: v1_0::VppToken = serde_json::from_value(json!({
                "appleId": "new@example.com",
                "token": "a VPP token",
            }))
            .unwrap();
            tokens.create(&entity).send().await.map(drop)
        }
        "POST syncLicenses" => tokens.by_id("x").sync_licenses().send().await.map(drop),
        "PATCH update" => {
            let patch = v1_0::VppTokenPatch::new().country_or_region("us");
            tokens.by_id("x").update(&patch).send().await.map(drop)
        }
        _ => unreachable!("{operation}"),
    }
}

const NON_IDEMPOTENT: [(&str, &str); 3] = [
    ("POST create", "POST /v1.0/deviceAppManagement/vppTokens"),
    (
        "POST syncLicenses",
        "POST /v1.0/deviceAppManagement/vppTokens/x/syncLicenses",
    ),
    (
        "PATCH update",
        "PATCH /v1.0/deviceAppManagement/vppTokens/x",
    ),
];

#[tokio::test]
async fn posts_and_patches_are_sent_once_on_a_broken_connection() {
    for (fault, reply) in broken_connections() {
        let server = FaultServer::start(move |_| reply.clone()).await;
        let client = client(&server, 4);
        for (operation, key) in NON_IDEMPOTENT {
            let err = send_non_idempotent(&client, operation)
                .await
                .expect_err(fault);
            assert!(
                matches!(err, Error::Transport(_)),
                "{operation}, {fault}: {err:?}"
            );
            assert_no_token(&format!("{err} {err:?}"));
            let (method, target) = key.split_once(' ').unwrap();
            assert_eq!(
                server.attempts(method, target),
                1,
                "{operation}, {fault}: sent again"
            );
        }
        // The bodies arrived whole before the connection broke.
        assert_eq!(server.requests(), NON_IDEMPOTENT.len());
        server.assert_no_protocol_errors();
    }
}

#[tokio::test]
async fn transport_errors_say_what_happened() {
    // A port that was free a moment ago: the connection is refused.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let refused = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .bearer_token(TOKEN)
        .max_attempts(1)
        .build()
        .unwrap()
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .by_id("x")
        .get()
        .send()
        .await
        .expect_err("refused");
    assert!(said(&refused).contains("refused"), "{refused}");

    // Each broken connection, on a POST (sent once whatever the retry policy says).
    let expected = [
        ("closed before any response", "closed"),
        ("reset before any response", "reset"),
        ("closed after the headers", "closed"),
        ("closed mid-body", "closed"),
        ("reset mid-body", "reset"),
    ];
    for ((fault, reply), (named, word)) in broken_connections().into_iter().zip(expected) {
        assert_eq!(fault, named);
        let server = FaultServer::start(move |_| reply.clone()).await;
        let err = send_non_idempotent(&client(&server, 4), "POST syncLicenses")
            .await
            .expect_err(fault);
        assert!(said(&err).contains(word), "{fault}: {err}");
        assert_no_token(&format!("{err} {err:?}"));
    }

    // A response that stalls past the timeout.
    let server = FaultServer::start(|_| Reply::Stall(STALL)).await;
    let client = client_builder(&server, 4).timeout(TIMEOUT).build().unwrap();
    let err = send_non_idempotent(&client, "POST syncLicenses")
        .await
        .expect_err("a timeout");
    assert!(said(&err).contains("timed out"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Stalled responses

/// A server whose first answer to every request stalls, before the headers or, when
/// `mid_body`, after the headers and half the body; later attempts are answered at once.
async fn stalling_server(mid_body: bool) -> FaultServer {
    FaultServer::start(move |request| {
        let id = item_id(request).unwrap_or("new");
        let response = token_response(id);
        match request.attempt {
            1 if mid_body => Reply::Partial {
                sent: response.body.len() / 2,
                response,
                then: Then::Stall(STALL),
            },
            1 => Reply::Stall(STALL),
            _ => Reply::Full(response),
        }
    })
    .await
}

#[tokio::test]
async fn a_get_whose_headers_stall_past_the_timeout_is_retried() {
    let server = stalling_server(false).await;
    let client = client_builder(&server, 3).timeout(TIMEOUT).build().unwrap();
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    let token = tokens.by_id("slow").get().send().await.expect("retried");
    assert_eq!(token.id.as_deref(), Some("slow"));
    assert_eq!(server.attempts("GET", &item_target("slow")), 2);
}

#[tokio::test]
async fn a_get_whose_body_stalls_past_the_timeout_is_retried() {
    let server = stalling_server(true).await;
    let client = client_builder(&server, 3).timeout(TIMEOUT).build().unwrap();
    let tokens = client.v1_0().device_app_management().vpp_tokens();
    let token = tokens.by_id("slow").get().send().await.expect("retried");
    assert_eq!(token.id.as_deref(), Some("slow"));
    assert_eq!(server.attempts("GET", &item_target("slow")), 2);
}

#[tokio::test]
async fn a_post_whose_body_stalls_past_the_timeout_is_not_retried() {
    let server = stalling_server(true).await;
    let client = client_builder(&server, 3).timeout(TIMEOUT).build().unwrap();
    let err = send_non_idempotent(&client, "POST syncLicenses")
        .await
        .expect_err("a timeout");
    assert!(
        matches!(&err, Error::Transport(e) if e.is_timeout()),
        "{err:?}"
    );
    assert_eq!(
        server.attempts("POST", &format!("{}/syncLicenses", item_target("x"))),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// Truncated bodies

#[tokio::test]
async fn a_complete_response_with_cut_json_is_a_decode_error_not_retried() {
    // The connection is fine and the response complete (its Content-Length is right): the
    // JSON itself is cut short. Sending again would not help.
    let server = FaultServer::start(|_| {
        Reply::Full(Response::raw_json(
            200,
            r#"{"id":"cut","organizationName":"Organiz"#,
        ))
    })
    .await;
    let err = client(&server, 4)
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .by_id("cut")
        .get()
        .send()
        .await
        .expect_err("cut JSON");
    let Error::Decode {
        status, message, ..
    } = &err
    else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert!(message.contains("EOF"), "{message}");
    assert_eq!(server.attempts("GET", &item_target("cut")), 1);
}

// ---------------------------------------------------------------------------------------------
// Long listings

/// A listing of `pages` pages of `per_page` items: page `n` (from 1) at `?$skiptoken=n` for
/// n > 1, its item `k` being `item(n, k)`, unless `special` replaces the reply for page `n`.
fn listing(
    pages: usize,
    per_page: usize,
    item: impl Fn(usize, usize) -> Value + Send + Sync + 'static,
    special: impl Fn(usize) -> Option<Reply> + Send + Sync + 'static,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |request| {
        assert_eq!(request.path(), LIST);
        let n: usize = request
            .query_param("$skiptoken")
            .map_or(1, |t| t.parse().expect("a page number"));
        if let Some(reply) = special(n) {
            return reply;
        }
        let value: Vec<Value> = (0..per_page).map(|k| item(n, k)).collect();
        let mut body = json!({"value": value});
        if n < pages {
            let host = request.header("host").expect("a Host header");
            body["@odata.nextLink"] = format!("http://{host}{LIST}?$skiptoken={}", n + 1).into();
        }
        Reply::Full(Response::json(200, &body))
    }
}

/// Item `k` of page `n` of a listing: a valid vppToken with the id `p{n}-{k}`.
fn listed_item(n: usize, k: usize) -> Value {
    json!({"id": format!("p{n}-{k}"), "state": "valid"})
}

/// The target of page `n` of a [`listing`].
fn page_target(n: usize) -> String {
    if n == 1 {
        LIST.to_owned()
    } else {
        format!("{LIST}?$skiptoken={n}")
    }
}

/// Reads a whole stream: its items (ids) and errors, in the order they came.
async fn drain(
    mut stream: graph_vpptoken::client::ItemStream<v1_0::VppToken>,
) -> Vec<Result<String, Error>> {
    use futures_util::StreamExt;
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(item.map(|t| t.id.expect("an id")));
    }
    out
}

#[tokio::test]
async fn an_undecodable_item_is_one_error_and_the_listing_goes_on() {
    const PAGES: usize = 50;
    const PER_PAGE: usize = 20;
    // Page 3, item 7: a number where the state's enum member should be.
    let item = |n, k| match (n, k) {
        (3, 7) => json!({"id": "p3-7", "state": 42}),
        _ => listed_item(n, k),
    };
    let server = FaultServer::start(listing(PAGES, PER_PAGE, item, |_| None)).await;
    let client = client(&server, 4);
    let out = drain(
        client
            .v1_0()
            .device_app_management()
            .vpp_tokens()
            .list()
            .stream(),
    )
    .await;

    // Everything else, in order, with the error where the item was.
    assert_eq!(out.len(), PAGES * PER_PAGE, "one entry per item");
    let bad = 2 * PER_PAGE + 7;
    for (i, entry) in out.iter().enumerate() {
        let (n, k) = (i / PER_PAGE + 1, i % PER_PAGE);
        if i == bad {
            let Err(Error::Decode { path, .. }) = entry else {
                panic!("expected the decode error of p3-7 at {i}, got {entry:?}");
            };
            assert_eq!(path, "value[7].state");
        } else {
            let id = entry.as_ref().unwrap_or_else(|e| panic!("{i}: {e:?}"));
            assert_eq!(id, &format!("p{n}-{k}"));
        }
    }
    // Every page requested once.
    for n in 1..=PAGES {
        assert_eq!(server.attempts("GET", &page_target(n)), 1, "page {n}");
    }
    assert_eq!(server.requests(), PAGES);
}

#[tokio::test]
async fn a_page_that_cannot_be_read_ends_the_listing() {
    const PAGES: usize = 10;
    const PER_PAGE: usize = 20;
    // Page 4 is cut short (a complete response whose JSON ends early): not a page at all.
    let special =
        |n| (n == 4).then(|| Reply::Full(Response::raw_json(200, r#"{"value":[{"id":"p4-0""#)));
    let server = FaultServer::start(listing(PAGES, PER_PAGE, listed_item, special)).await;
    let client = client(&server, 4);
    let out = drain(
        client
            .v1_0()
            .device_app_management()
            .vpp_tokens()
            .list()
            .stream(),
    )
    .await;

    assert_eq!(out.len(), 3 * PER_PAGE + 1, "pages 1 to 3, then the error");
    for (i, entry) in out[..3 * PER_PAGE].iter().enumerate() {
        let id = entry.as_ref().unwrap_or_else(|e| panic!("{i}: {e:?}"));
        assert_eq!(id, &format!("p{}-{}", i / PER_PAGE + 1, i % PER_PAGE));
    }
    let last = out.last().unwrap();
    assert!(matches!(last, Err(Error::Decode { .. })), "{last:?}");
    // Page 4 was not asked again, and page 5 never.
    assert_eq!(server.attempts("GET", &page_target(4)), 1);
    assert_eq!(server.attempts("GET", &page_target(5)), 0);
    assert_eq!(server.requests(), 4);
}
