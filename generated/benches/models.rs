//! Deserializing and serializing a page of 1,000 beta vppTokens, three ways:
//!
//! - `generated`: [`Collection<beta::VppToken>`], the generated model (typed enums,
//!   `DateTimeOffset`, polymorphic `tokenActionResults`, unknown properties kept);
//! - `plain_derive`: a plain `#[derive(Deserialize, Serialize)]` struct with the same fields,
//!   strings for date-times and enums, a plain nested struct for the action results, and
//!   nothing kept for unknown properties (so `@odata.type` is skipped);
//! - `serde_json_value`: [`serde_json::Value`].
//!
//! Every token is the one of the documented beta list response
//! (`api-reference/beta/api/intune-onboarding-vpptoken-list.md`, example id
//! `beta-vppToken-list-01`), with its id varied.
//!
//! Run with `cargo bench -p graph-vpptoken --bench models`; see `BENCHMARKS.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use graph_vpptoken::beta::{AnyVppTokenActionResult, VppToken};
use graph_vpptoken::runtime::Collection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Number of tokens in the page.
const TOKENS: usize = 1_000;

/// The token of the documented beta list response, compact, in the documented property order.
/// `{ID}` is replaced by a distinct id per token.
const TOKEN_TEMPLATE: &str = concat!(
    r##"{"@odata.type":"#microsoft.graph.vppToken","##,
    r#""id":"{ID}","#,
    r#""organizationName":"Organization Name value","#,
    r#""vppTokenAccountType":"education","#,
    r#""appleId":"Apple Id value","#,
    r#""expirationDateTime":"2016-12-31T23:57:57.2481234-08:00","#,
    r#""lastSyncDateTime":"2017-01-01T00:02:49.3205976-08:00","#,
    r#""token":"Token value","#,
    r#""lastModifiedDateTime":"2017-01-01T00:00:35.1329464-08:00","#,
    r#""state":"valid","#,
    r#""tokenActionResults":[{"#,
    r#""@odata.type":"microsoft.graph.vppTokenActionResult","#,
    r#""actionName":"Action Name value","#,
    r#""actionState":"pending","#,
    r#""startDateTime":"2016-12-31T23:58:46.7156189-08:00","#,
    r#""lastUpdatedDateTime":"2017-01-01T00:00:56.8321556-08:00""#,
    r#"}],"#,
    r#""lastSyncStatus":"inProgress","#,
    r#""automaticallyUpdateApps":true,"#,
    r#""countryOrRegion":"Country Or Region value","#,
    r#""dataSharingConsentGranted":true,"#,
    r#""displayName":"Display Name value","#,
    r#""locationName":"Location Name value","#,
    r#""claimTokenManagementFromExternalMdm":true,"#,
    r#""roleScopeTagIds":["Role Scope Tag Ids value"]}"#,
);

/// `{"value":[token × TOKENS]}`, ids `00000000-2f92-9ceb-922f-eb9c922feb9c`, `00000001-…`, ….
fn page() -> Vec<u8> {
    let mut out = String::from(r#"{"value":["#);
    for i in 0..TOKENS {
        if i > 0 {
            out.push(',');
        }
        let id = format!("{i:08x}-2f92-9ceb-922f-eb9c922feb9c");
        out.push_str(&TOKEN_TEMPLATE.replace("{ID}", &id));
    }
    out.push_str("]}");
    out.into_bytes()
}

/// A page of [`PlainVppToken`]s.
#[derive(Debug, Deserialize, Serialize)]
struct PlainCollection {
    value: Vec<PlainVppToken>,
}

/// The properties of `microsoft.graph.vppToken` as a plain derived struct.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainVppToken {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apple_device_app_delivery_protocol_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apple_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    automatically_update_apps: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim_token_management_from_external_mdm: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country_or_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_sharing_consent_granted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sync_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sync_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_scope_tag_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_action_results: Option<Vec<PlainVppTokenActionResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vpp_token_account_type: Option<String>,
}

/// The properties of `microsoft.graph.vppTokenActionResult` as a plain derived struct.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainVppTokenActionResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    action_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date_time: Option<String>,
}

/// `value` with every `@odata.type` member removed, at any depth.
fn without_odata_type(mut value: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("@odata.type");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value
}

/// Checks that every contender reads the whole page and writes back what it read, so that the
/// timings compare equal work.
fn check(input: &[u8]) {
    let expected: Value = serde_json::from_slice(input).unwrap();

    let generated: Collection<VppToken> = serde_json::from_slice(input).unwrap();
    assert_eq!(generated.value.len(), TOKENS);
    for token in &generated.value {
        assert!(token.additional.is_empty(), "{:?}", token.additional);
        assert!(token.expiration_date_time.is_some() && token.state.is_some());
        let results = token.token_action_results.as_deref().unwrap();
        assert!(matches!(
            results,
            [AnyVppTokenActionResult::VppTokenActionResult(result)]
                if result.additional.is_empty() && result.start_date_time.is_some()
        ));
    }
    assert_eq!(
        generated.value[TOKENS - 1].id.as_deref(),
        Some("000003e7-2f92-9ceb-922f-eb9c922feb9c")
    );
    let written: Value = serde_json::from_slice(&serde_json::to_vec(&generated).unwrap()).unwrap();
    assert_eq!(written, expected, "generated model round trip");

    let plain: PlainCollection = serde_json::from_slice(input).unwrap();
    assert_eq!(plain.value.len(), TOKENS);
    let written: Value = serde_json::from_slice(&serde_json::to_vec(&plain).unwrap()).unwrap();
    assert_eq!(
        written,
        without_odata_type(expected.clone()),
        "plain struct round trip"
    );

    let value: Value = serde_json::from_slice(input).unwrap();
    assert_eq!(value["value"].as_array().unwrap().len(), TOKENS);
    assert_eq!(serde_json::to_vec(&value).unwrap().len(), input.len());
}

fn deserialize(c: &mut Criterion) {
    let input = page();
    check(&input);

    let mut group = c.benchmark_group("deserialize_1000_beta_vpptokens");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| {
            serde_json::from_slice::<Collection<VppToken>>(black_box(&input)).unwrap()
        });
    });
    group.bench_function("plain_derive", |b| {
        b.iter(|| serde_json::from_slice::<PlainCollection>(black_box(&input)).unwrap());
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&input)).unwrap());
    });
    group.finish();
}

fn serialize(c: &mut Criterion) {
    let input = page();
    let generated: Collection<VppToken> = serde_json::from_slice(&input).unwrap();
    let plain: PlainCollection = serde_json::from_slice(&input).unwrap();
    let value: Value = serde_json::from_slice(&input).unwrap();

    // Throughput counts the bytes each contender writes (the plain struct writes no
    // `@odata.type`, so its output is shorter).
    let mut group = c.benchmark_group("serialize_1000_beta_vpptokens");
    let len = serde_json::to_vec(&generated).unwrap().len();
    group.throughput(Throughput::Bytes(len as u64));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&generated)).unwrap());
    });
    let len = serde_json::to_vec(&plain).unwrap().len();
    group.throughput(Throughput::Bytes(len as u64));
    group.bench_function("plain_derive", |b| {
        b.iter(|| serde_json::to_vec(black_box(&plain)).unwrap());
    });
    let len = serde_json::to_vec(&value).unwrap().len();
    group.throughput(Throughput::Bytes(len as u64));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).unwrap());
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = config();
    targets = deserialize, serialize
}
criterion_main!(benches);
