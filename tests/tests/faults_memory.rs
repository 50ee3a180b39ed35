//! Memory over a long listing: 2,000 pages of 100 vppTokens streamed from the loopback server
//! of `fault_server`, and the resident set of this process must not grow with the pages read.
//!
//! Alone in its binary (so in its own process): the resident set is the whole process's, and
//! the tests of another binary would share it. Linux only (`/proc/self/status`).
//!
//! The figure it prints (`--nocapture`) is recorded in BENCHMARKS.md, "Load and faults".

use std::time::Instant;

use graph_vpptoken::client::{Client, Jitter};
use graph_vpptoken::v1_0;

mod fault_server;
use fault_server::{FaultServer, Reply, Request, Response};

const LIST: &str = "/v1.0/deviceAppManagement/vppTokens";
const PAGES: usize = 2_000;
const PER_PAGE: usize = 100;
/// Pages read before the resident set is taken as the baseline: buffers, the connection pool
/// and the allocator have reached their working size by then.
const WARM_UP: usize = 100;
/// How many pages' worth (JSON text and decoded items) the resident set may grow by after the
/// warm-up: a page or two in flight, the allocator's slack, and the server's count of the
/// requests it saw (in the same process). Holding every page read would be 1,900.
const PAGES_OF_GROWTH: usize = 16;

/// Page `n` (from 1), with a next link to page `n + 1` at `host` unless it is the last. Item
/// `k` is a vppToken of about 300 bytes of JSON whose id starts with `{n:05}-{k:03}-`. Written
/// as text: building it as a `serde_json::Value` would cost the test more than the client.
fn page(n: usize, host: &str) -> Vec<u8> {
    let mut body = String::from(r#"{"value":["#);
    for k in 0..PER_PAGE {
        if k > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r##"{{"@odata.type":"#microsoft.graph.vppToken","id":"{n:05}-{k:03}-2f92-9ceb-922f-eb9c922feb9c","organizationName":"Organization {n} {k}","appleId":"vpp-{n}-{k}@example.com","expirationDateTime":"2027-12-31T23:57:57.2481234-08:00","state":"valid","lastSyncStatus":"completed","automaticallyUpdateApps":true,"countryOrRegion":"us"}}"##
        ));
    }
    body.push(']');
    if n < PAGES {
        body.push_str(&format!(
            r#","@odata.nextLink":"http://{host}{LIST}?$skiptoken={}""#,
            n + 1
        ));
    }
    body.push('}');
    body.into_bytes()
}

fn serve(request: &Request) -> Reply {
    let n = request
        .query_param("$skiptoken")
        .map_or(1, |t| t.parse().expect("a page number"));
    let host = request.header("host").expect("a Host header");
    Reply::Full(Response::raw_json(200, page(n, host)))
}

/// A field of `/proc/self/status` in bytes, such as `VmRSS` or `VmHWM`.
fn status_bytes(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    let kib: usize = line
        .trim()
        .strip_suffix(" kB")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{field}: {line:?}"));
    kib * 1024
}

/// Resets the peak resident set (`VmHWM`) to the current one; false where the kernel does not
/// allow it (then the peak is the highest `VmRSS` sampled).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[tokio::test]
async fn a_long_listing_is_streamed_in_the_memory_of_one_page() {
    let server = FaultServer::start(serve).await;
    let client = Client::builder()
        .endpoint(server.uri())
        .bearer_token("eyJ0eXAi.memory-access-token.5ecr3t")
        .jitter(Jitter::None)
        .build()
        .expect("a client");
    // One page in memory: its JSON text, then its decoded items (their inline size; the
    // strings they own come on top).
    let json_bytes = page(2, "127.0.0.1:65535").len();
    let page_bytes = json_bytes + PER_PAGE * std::mem::size_of::<v1_0::VppToken>();

    let started = Instant::now();
    let mut stream = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .stream();
    let (mut items, mut pages_seen) = (0, 0);
    let (mut baseline, mut sampled_peak, mut peak_was_reset) = (0, 0, false);
    while let Some(token) = stream.try_next().await.expect("an item") {
        // Items come in order: item k of page n.
        let (n, k) = (items / PER_PAGE + 1, items % PER_PAGE);
        let id = token.id.as_deref().expect("an id");
        assert!(
            id.starts_with(&format!("{n:05}-{k:03}-")),
            "{id} at {items}"
        );
        items += 1;
        if stream.pages() != pages_seen {
            // A page was just read: sample the resident set with that page in memory.
            pages_seen = stream.pages();
            let rss = status_bytes("VmRSS");
            if pages_seen == WARM_UP {
                baseline = rss;
                peak_was_reset = reset_peak();
            }
            if pages_seen >= WARM_UP {
                sampled_peak = sampled_peak.max(rss);
            }
        }
    }
    let elapsed = started.elapsed();
    let peak = if peak_was_reset {
        status_bytes("VmHWM").max(sampled_peak)
    } else {
        sampled_peak
    };

    assert_eq!(items, PAGES * PER_PAGE);
    assert_eq!(stream.pages(), PAGES);
    assert_eq!(server.requests(), PAGES);
    let growth = peak.saturating_sub(baseline);
    let bound = PAGES_OF_GROWTH * page_bytes;
    println!(
        "figure ({}): long listing: {PAGES} pages x {PER_PAGE} items (a page: {} KiB of JSON, {} KiB with its decoded items) in {:.2} s ({:.0} pages/s); resident set {:.1} MiB after page {WARM_UP}, peak {:.1} MiB after it ({}), growth {:.2} MiB = {:.1} pages (bound {PAGES_OF_GROWTH})",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        json_bytes / 1024,
        page_bytes / 1024,
        elapsed.as_secs_f64(),
        PAGES as f64 / elapsed.as_secs_f64(),
        mib(baseline),
        mib(peak),
        if peak_was_reset {
            "VmHWM"
        } else {
            "highest VmRSS sampled"
        },
        mib(growth),
        growth as f64 / page_bytes as f64,
    );
    assert!(
        growth <= bound,
        "the resident set grew by {growth} bytes over pages {WARM_UP}..{PAGES}: more than {PAGES_OF_GROWTH} pages of {page_bytes} bytes"
    );
}
