#!/usr/bin/env bash
# Figures for the Salesforce workspace (issue 9), in one run: each operation through Sofie
# against the same request straight to the simulator (median and p99 ratios), the SOQL page
# through a sofie process, a repeated describe of every object (full describes upstream on the
# second pass), and the describe cache's memory for 50 objects × 100 connections.
# A benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p server --features demo --bin sofie --example bench_workspace -q
target/release/examples/bench_workspace target/release/sofie
