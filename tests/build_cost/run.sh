#!/usr/bin/env bash
# Clean debug builds of the same program (list the vppTokens of a tenant) on graph-vpptoken's
# client (aws-lc-rs, then ring) and on graph-rs-sdk, one after the other, each in a fresh
# target folder, sources fetched beforehand. Prints wall time and crate count of each.
#
#   tests/build_cost/run.sh          # see BENCHMARKS.md, "Build cost of the client"
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never
uptime
for program in graph-vpptoken graph-rs-sdk; do
  cargo fetch --quiet --manifest-path "$program/Cargo.toml"
done
build() { # build LABEL MANIFEST [CARGO ARGS...]
  local label="$1" manifest="$2"
  shift 2
  local target
  target="$(mktemp -d)"
  local started=$SECONDS
  CARGO_TARGET_DIR="$target" cargo build --quiet --offline --manifest-path "$manifest" "$@"
  local seconds=$((SECONDS - started))
  local crates
  crates="$(cargo tree --offline --manifest-path "$manifest" "$@" -e normal,build --prefix none \
    | sed 's/ (\*)$//' | sort -u | wc -l)"
  echo "$label: clean build ${seconds} s, ${crates} crates"
  rm -rf "$target"
}
build "graph-vpptoken, client (rustls + aws-lc-rs, the default)" graph-vpptoken/Cargo.toml
build "graph-vpptoken, client + tls-ring" graph-vpptoken/Cargo.toml --no-default-features --features ring
build "graph-rs-sdk 3.0.1, default features (native-tls)" graph-rs-sdk/Cargo.toml
uptime
