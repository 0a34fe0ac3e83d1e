#!/usr/bin/env bash
# Figures for the assistant tools (issue 11), in one run: `query` and `get_record` through a
# sofie process over the JSON API and over /mcp, against the same request straight to the
# simulator (median and p99 ratios at 1 and 32 concurrent callers), and bytes per answer
# against Salesforce's raw response. A benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p server --features demo --bin sofie --example bench_tools -q
target/release/examples/bench_tools target/release/sofie
