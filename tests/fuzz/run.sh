#!/usr/bin/env bash
# Fuzzes the targets of tests/fuzz (all of them, or those named) with cargo-fuzz on nightly,
# each for VPPTOKEN_FUZZ_SECONDS (default 60), one after the other. The corpora start from
# seeds made from the fixtures (tests/fuzz/corpus/<target>/, not committed); an input that
# fails is saved under tests/fuzz/artifacts/<target>/ and the run stops with an error.
#
#   tests/fuzz/run.sh                          # every target, 60 s each
#   VPPTOKEN_FUZZ_SECONDS=600 tests/fuzz/run.sh csdl_pipeline xml_differential
#   VPPTOKEN_FUZZ_SANITIZER=none tests/fuzz/run.sh   # no AddressSanitizer: quicker build
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${VPPTOKEN_FUZZ_SECONDS:-60}"
sanitizer="${VPPTOKEN_FUZZ_SANITIZER:-address}"
if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=(csdl_pipeline models_v1_0 models_beta responses xml_differential)
fi

# The seed corpora, written by the stable test that also replays them.
VPPTOKEN_FUZZ_CORPUS="$PWD/tests/fuzz/corpus" \
  cargo test --quiet -p vpptoken-tests --test fuzz_corpora writes_the_seed_corpora >/dev/null

cargo +nightly fuzz build --fuzz-dir tests/fuzz --sanitizer "$sanitizer" 2>&1 | grep -v '^ *Compiling'
for target in "${targets[@]}"; do
  echo "== $target: ${seconds} s"
  cargo +nightly fuzz run --fuzz-dir tests/fuzz --sanitizer "$sanitizer" "$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E '^(stat::|#[0-9]+ +DONE|==|thread|SUMMARY|artifact_prefix|Base64)' \
    || { echo "$target failed: see tests/fuzz/artifacts/$target/"; exit 1; }
done
