//! The same work as `models.rs`, once per process and without timing, for counting
//! instructions, which unlike time do not depend on what else the machine is doing:
//!
//! ```sh
//! cargo bench -p graph-vpptoken --bench instructions --no-run
//! for c in none de-generated de-plain de-value ser-generated ser-plain ser-value; do
//!   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
//!     target/release/deps/instructions-* "$c" 2>&1 | grep 'I *refs'
//! done
//! ```
//!
//! The `*-unknown` contenders read [`shared::unknown_page`], whose tokens carry eight members
//! the models do not know (numbers beyond `f64` among them): `generated` keeps them in
//! `additional` as `RawJson`; `raw-map` and `value-map` read every member of every token into
//! a map of `RawJson` or of `serde_json::Value`, the cost per member of the two ways of keeping
//! unknown JSON. Built with `--features serde_json/arbitrary_precision`, `value-map` shows the
//! cost of that feature's `Number` instead (`none-unknown` is its baseline).
//!
//! Each contender runs 20 times; `ser-*` first read the page once, and `none` only builds the
//! page (subtract it, and for `ser-*` one read, then divide by 20). See `BENCHMARKS.md`.

use std::hint::black_box;

use graph_vpptoken::beta::VppToken;
use std::collections::BTreeMap;

use graph_vpptoken::runtime::Collection;
use graph_vpptoken::runtime::json::RawJson;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::{PlainCollection, page, unknown_page};

mod shared;

const ROUNDS: usize = 20;

fn main() {
    // `cargo bench` passes `--bench`; the contender is the first other argument.
    let Some(contender) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: instructions <CONTENDER> (see the module docs)");
        return;
    };
    let input = if contender.contains("unknown") {
        unknown_page()
    } else {
        page()
    };
    match contender.as_str() {
        "none" | "none-unknown" => {
            black_box(&input);
        }
        "de-generated" => read::<Collection<VppToken>>(&input),
        "de-plain" => read::<PlainCollection>(&input),
        "de-value" => read::<Value>(&input),
        "ser-generated" => write::<Collection<VppToken>>(&input),
        "ser-plain" => write::<PlainCollection>(&input),
        "ser-value" => write::<Value>(&input),
        "de-generated-unknown" => read::<Collection<VppToken>>(&input),
        "de-raw-map-unknown" => read::<Members<RawJson>>(&input),
        "de-value-map-unknown" => read::<Members<Value>>(&input),
        "ser-generated-unknown" => write::<Collection<VppToken>>(&input),
        "ser-raw-map-unknown" => write::<Members<RawJson>>(&input),
        "ser-value-map-unknown" => write::<Members<Value>>(&input),
        other => eprintln!("unknown contender `{other}`"),
    }
}

fn read<T: serde::de::DeserializeOwned>(input: &[u8]) {
    for _ in 0..ROUNDS {
        black_box(serde_json::from_slice::<T>(black_box(input)).expect("reads"));
    }
}

fn write<T: serde::de::DeserializeOwned + serde::Serialize>(input: &[u8]) {
    let value: T = serde_json::from_slice(input).expect("reads");
    for _ in 0..ROUNDS {
        black_box(serde_json::to_vec(black_box(&value)).expect("writes"));
    }
}

/// A page whose every member is kept as `V`: how `additional` would hold the members of a
/// token if all of them were unknown, as exact text (`RawJson`) or as `serde_json::Value`.
#[derive(Deserialize, Serialize)]
struct Members<V> {
    value: Vec<BTreeMap<String, V>>,
}
