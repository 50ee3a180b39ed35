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
use serde_json::Value;
use shared::{PlainCollection, TOKENS, page};

mod shared;

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
        b.iter(|| serde_json::from_slice::<Collection<VppToken>>(black_box(&input)).unwrap());
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
