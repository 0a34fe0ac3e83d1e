#!/usr/bin/env bash
# Figures for prepared changes (issue 10), in one run: approve-to-done of an update through a
# sofie process against the same update sent straight to the simulator (median and p99 ratios).
# A benchmark, not a test; the crash tally comes from scripts/crash-changes.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p server --features demo --bin sofie --example bench_changes -q
target/release/examples/bench_changes target/release/sofie
