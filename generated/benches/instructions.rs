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
//! Each contender runs 20 times; `ser-*` first read the page once, and `none` only builds the
//! page (subtract it, and for `ser-*` one read, then divide by 20). See `BENCHMARKS.md`.

use std::hint::black_box;

use graph_vpptoken::beta::VppToken;
use graph_vpptoken::runtime::Collection;
use serde_json::Value;
use shared::{PlainCollection, page};

mod shared;

const ROUNDS: usize = 20;

fn main() {
    // `cargo bench` passes `--bench`; the contender is the first other argument.
    let Some(contender) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: instructions <none|de-generated|de-plain|de-value|ser-generated|ser-plain|ser-value>");
        return;
    };
    let input = page();
    match contender.as_str() {
        "none" => {
            black_box(&input);
        }
        "de-generated" => read::<Collection<VppToken>>(&input),
        "de-plain" => read::<PlainCollection>(&input),
        "de-value" => read::<Value>(&input),
        "ser-generated" => write::<Collection<VppToken>>(&input),
        "ser-plain" => write::<PlainCollection>(&input),
        "ser-value" => write::<Value>(&input),
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
