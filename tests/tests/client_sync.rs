//! End to end: waiting for a vppToken's license sync ([`SyncWait`]) against a wiremock server
//! on loopback, on tokio's paused clock.
//!
//! The clock only moves when every task waits for a timer, and then jumps to the next one, so
//! the waits between polls take no real time and the time a wait took is exact. For that the
//! client has no request timeout and no connection pool (whose idle timer would be such a
//! timer while a request is on the wire): the only timers are the waits under test.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use graph_vpptoken::client::sync::{SyncError, SyncWait};
use graph_vpptoken::client::{Client, Error};
use graph_vpptoken::{beta, v1_0};

mod common;
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::time::Instant;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const ID: &str = "9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
const TOKEN: &str = "eyJ0eXAi.sync-access-token.5ecr3t";
const ITEM: &str = "/v1.0/deviceAppManagement/vppTokens/9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
const BETA_ITEM: &str = "/beta/deviceAppManagement/vppTokens/9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
/// The previous sync's time.
const OLD: &str = "2026-11-30T08:00:00.0000000Z";
/// The new sync's time.
const NEW: &str = "2026-12-02T17:20:31.1234567Z";

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A client for `server` whose only timers are the retry waits (see the module docs).
fn client(server: &MockServer) -> Client {
    common::paused_time_client(&server.uri(), TOKEN)
}

fn item(client: &Client) -> v1_0::VppTokenItemRequestBuilder {
    client.v1_0().device_app_management().vpp_tokens().by_id(ID)
}

/// A vppToken as the service returns it, with this sync status and time.
fn token(status: &str, at: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.vppToken",
        "id": ID,
        "organizationName": "Contoso",
        "state": "valid",
        "token": "vpp-token-value",
        "lastSyncStatus": status,
        "lastSyncDateTime": at,
    })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Answers with the responses in order, then with the last one again; counts the requests
/// and wakes `arrived` at each.
struct Sequence {
    responses: Vec<ResponseTemplate>,
    served: AtomicUsize,
    arrived: Arc<Notify>,
}

impl Sequence {
    fn new(responses: Vec<ResponseTemplate>) -> Self {
        Self::notifying(responses, Arc::new(Notify::new()))
    }

    fn notifying(responses: Vec<ResponseTemplate>, arrived: Arc<Notify>) -> Self {
        assert!(!responses.is_empty());
        Self {
            responses,
            served: AtomicUsize::new(0),
            arrived,
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        self.arrived.notify_one();
        self.responses[n.min(self.responses.len() - 1)].clone()
    }
}

/// Mounts the token's GETs on `route`, answered in order by `responses`.
async fn mount_gets(server: &MockServer, route: &str, responses: Sequence) {
    Mock::given(method("GET"))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(responses)
        .mount(server)
        .await;
}

/// Mounts the `syncLicenses` action on `route`, expected `times` times.
async fn mount_sync(server: &MockServer, route: &str, response: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path(format!("{route}/syncLicenses")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

/// The methods of the requests received so far, in order (`GET`, `POST`).
async fn received(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| r.method.to_string())
        .collect()
}

fn polls(n: usize) -> Vec<&'static str> {
    let mut methods = vec!["GET", "POST"];
    methods.extend(std::iter::repeat_n("GET", n));
    methods
}

fn status(token: &v1_0::VppToken) -> Option<&str> {
    token.last_sync_status.as_ref().map(|s| s.as_str())
}

fn synced_at(token: &v1_0::VppToken) -> Option<&str> {
    token.last_sync_date_time.as_ref().map(|t| t.as_str())
}

#[tokio::test(start_paused = true)]
async fn a_sync_is_followed_through_in_progress_to_completed() {
    let server = MockServer::start().await;
    mount_gets(
        &server,
        ITEM,
        Sequence::new(vec![
            ok(token("completed", OLD)),
            ok(token("inProgress", OLD)),
            ok(token("inProgress", OLD)),
            ok(token("completed", NEW)),
        ]),
    )
    .await;
    // The action answers with the token as it was: the previous sync's `completed`.
    mount_sync(&server, ITEM, ok(token("completed", OLD)), 1).await;

    let client = client(&server);
    let started = Instant::now();
    let synced = SyncWait::new()
        .run(&item(&client))
        .await
        .expect("the sync completes");
    assert_eq!(status(&synced), Some("completed"));
    assert_eq!(synced_at(&synced), Some(NEW));
    // Polls 2, 4 and 8 seconds apart (the defaults), the third one seeing the result.
    assert_eq!(started.elapsed(), secs(2 + 4 + 8));
    assert_eq!(received(&server).await, polls(3));
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_failed_sync_is_an_error_carrying_the_final_token() {
    let server = MockServer::start().await;
    mount_gets(
        &server,
        BETA_ITEM,
        Sequence::new(vec![
            ok(token("completed", OLD)),
            ok(token("inProgress", OLD)),
            ok(token("failed", NEW)),
        ]),
    )
    .await;
    mount_sync(&server, BETA_ITEM, ok(token("inProgress", OLD)), 1).await;

    let client = client(&server);
    let item: beta::VppTokenItemRequestBuilder =
        client.beta().device_app_management().vpp_tokens().by_id(ID);
    let err = SyncWait::new()
        .initial_interval(secs(1))
        .factor(1.0)
        .run(&item)
        .await
        .expect_err("the sync failed");
    let SyncError::Failed { token } = &err else {
        panic!("expected Failed, got {err:?}");
    };
    assert_eq!(
        token.last_sync_status,
        Some(beta::VppTokenSyncStatus::Failed)
    );
    assert_eq!(
        token.last_sync_date_time.as_ref().map(|t| t.as_str()),
        Some(NEW)
    );
    assert_eq!(err.to_string(), "the license sync of the vppToken failed");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("vpp-token-value"), "{shown}");
    assert_eq!(received(&server).await, polls(2));
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn the_previous_syncs_completed_is_not_taken_for_this_ones() {
    let server = MockServer::start().await;
    // `inProgress` is never seen: the service is quick, or the polls miss it. Only the later
    // lastSyncDateTime tells this sync's `completed` from the previous one's.
    mount_gets(
        &server,
        ITEM,
        Sequence::new(vec![
            ok(token("completed", OLD)),
            ok(token("completed", OLD)),
            ok(token("completed", OLD)),
            ok(token("completed", NEW)),
        ]),
    )
    .await;
    mount_sync(&server, ITEM, ok(token("completed", OLD)), 1).await;

    let client = client(&server);
    let synced = SyncWait::new()
        .initial_interval(secs(1))
        .run(&item(&client))
        .await
        .expect("the sync completes");
    assert_eq!(synced_at(&synced), Some(NEW));
    assert_eq!(received(&server).await, polls(3));
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_sync_started_elsewhere_is_waited_for_against_its_baseline() {
    let server = MockServer::start().await;
    mount_gets(
        &server,
        ITEM,
        Sequence::new(vec![
            ok(token("completed", OLD)),
            ok(token("completed", NEW)),
        ]),
    )
    .await;
    mount_sync(&server, ITEM, ok(token("completed", OLD)), 0).await;

    let client = client(&server);
    let item = item(&client);
    // What the syncLicenses request returned when the sync was started.
    let before: v1_0::VppToken = serde_json::from_value(token("completed", OLD)).unwrap();
    let started = Instant::now();
    let synced = SyncWait::new()
        .wait(&item, Some(&before))
        .await
        .expect("the sync completes");
    assert_eq!(synced_at(&synced), Some(NEW));
    assert_eq!(started.elapsed(), secs(2 + 4));
    assert_eq!(received(&server).await, ["GET", "GET"]);
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn the_wait_stops_at_its_timeout_with_the_last_token() {
    let server = MockServer::start().await;
    mount_gets(
        &server,
        ITEM,
        Sequence::new(vec![
            ok(token("completed", OLD)),
            ok(token("inProgress", OLD)),
        ]),
    )
    .await;
    mount_sync(&server, ITEM, ok(token("inProgress", OLD)), 1).await;

    let client = client(&server);
    let started = Instant::now();
    let err = SyncWait::new()
        .timeout(secs(20))
        .run(&item(&client))
        .await
        .expect_err("the sync never finishes");
    // Polls at 2, 6 and 14 s, then one more at the timeout (20 s) instead of at 30 s.
    let SyncError::TimedOut {
        elapsed,
        polls: n,
        last,
    } = &err
    else {
        panic!("expected TimedOut, got {err:?}");
    };
    assert_eq!(*elapsed, secs(20));
    assert_eq!(*n, 4);
    assert_eq!(
        last.as_deref().and_then(status),
        Some("inProgress"),
        "the last token seen"
    );
    assert_eq!(started.elapsed(), secs(20));
    assert_eq!(received(&server).await, polls(4));
    assert_eq!(
        err.to_string(),
        "the license sync had not finished after 20s (4 polls)"
    );
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_throttled_poll_is_retried_after_its_retry_after() {
    let server = MockServer::start().await;
    mount_gets(
        &server,
        ITEM,
        Sequence::new(vec![
            ok(token("completed", OLD)),
            ok(token("inProgress", OLD)),
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .set_body_json(
                    json!({"error": {"code": "TooManyRequests", "message": "Slow down."}}),
                ),
            ok(token("completed", NEW)),
        ]),
    )
    .await;
    mount_sync(&server, ITEM, ResponseTemplate::new(204), 1).await;

    let client = client(&server);
    let started = Instant::now();
    let synced = SyncWait::new()
        .run(&item(&client))
        .await
        .expect("the sync completes");
    assert_eq!(synced_at(&synced), Some(NEW));
    // Polls at 2 and 6 s; the second is throttled and sent again 7 s later.
    assert_eq!(started.elapsed(), secs(2 + 4 + 7));
    assert_eq!(received(&server).await, polls(3));
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_failing_poll_ends_the_wait_with_the_last_token() {
    let server = MockServer::start().await;
    mount_gets(
        &server,
        ITEM,
        Sequence::new(vec![
            ok(token("completed", OLD)),
            ok(token("inProgress", OLD)),
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": "ResourceNotFound", "message": "Gone."}})),
        ]),
    )
    .await;
    mount_sync(&server, ITEM, ok(token("inProgress", OLD)), 1).await;

    let client = client(&server);
    let err = SyncWait::new()
        .run(&item(&client))
        .await
        .expect_err("the token is gone");
    let SyncError::Request { source, last } = &err else {
        panic!("expected Request, got {err:?}");
    };
    assert!(matches!(source, Error::Status(_)), "{source:?}");
    assert_eq!(source.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(last.as_deref().and_then(status), Some("inProgress"));
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn dropping_the_future_cancels_the_wait() {
    let server = MockServer::start().await;
    let arrived = Arc::new(Notify::new());
    mount_gets(
        &server,
        ITEM,
        Sequence::notifying(
            vec![ok(token("completed", OLD)), ok(token("inProgress", OLD))],
            Arc::clone(&arrived),
        ),
    )
    .await;
    mount_sync(&server, ITEM, ok(token("inProgress", OLD)), 1).await;

    let client = client(&server);
    let item = item(&client);
    let started = Instant::now();
    {
        let wait = SyncWait::new().run(&item);
        tokio::pin!(wait);
        // Let the baseline read and then the first poll reach the server; then drop the wait
        // while the first poll is on the wire.
        for _ in 0..2 {
            tokio::select! {
                biased;
                () = arrived.notified() => {}
                result = &mut wait => panic!("the wait ended: {result:?}"),
            }
        }
    }
    assert_eq!(started.elapsed(), secs(2), "dropped at the first poll");
    // Nothing polls any more: an hour later, still the same requests.
    tokio::time::sleep(secs(3600)).await;
    assert_eq!(received(&server).await, polls(1));
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_cancellation_signal_ends_the_wait_with_the_last_token() {
    let server = MockServer::start().await;
    let arrived = Arc::new(Notify::new());
    mount_gets(
        &server,
        ITEM,
        Sequence::notifying(
            vec![
                ok(token("completed", OLD)),
                ok(token("inProgress", OLD)),
                ok(json!({"id": ID, "lastSyncStatus": "inProgress", "organizationName": "second poll"})),
            ],
            Arc::clone(&arrived),
        ),
    )
    .await;
    mount_sync(&server, ITEM, ok(token("inProgress", OLD)), 1).await;

    let client = client(&server);
    // The signal: the third read of the token (the second poll) has reached the server. (A
    // timer would do in an application, but here it would move the paused clock while a
    // request is on the wire.)
    let signal = async {
        for _ in 0..3 {
            arrived.notified().await;
        }
    };
    let started = Instant::now();
    let err = SyncWait::new()
        .cancel_on(signal)
        .run(&item(&client))
        .await
        .expect_err("cancelled");
    let SyncError::Cancelled { last } = &err else {
        panic!("expected Cancelled, got {err:?}");
    };
    // The signal is heeded before the second poll's answer is read: the last token seen is
    // the first poll's.
    let last = last.as_deref().expect("a token was seen");
    assert_eq!(status(last), Some("inProgress"));
    assert_eq!(last.organization_name.as_deref(), Some("Contoso"));
    assert_eq!(started.elapsed(), secs(2 + 4));
    assert_eq!(received(&server).await, polls(2));
    assert_eq!(
        err.to_string(),
        "waiting for the license sync was cancelled"
    );
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_builder_without_a_client_is_refused() {
    let unbound = v1_0::device_app_management().vpp_tokens().by_id(ID);
    let err = SyncWait::new().run(&unbound).await.expect_err("not bound");
    assert!(
        matches!(
            &err,
            SyncError::Request {
                source: Error::NotBound,
                last: None
            }
        ),
        "{err:?}"
    );
}
