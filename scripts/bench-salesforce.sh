#!/usr/bin/env bash
# Figures for the salesforce crate (issue 3): SOQL guard parse time for a 1 KB query, and the
# client's `query` vs a raw reqwest GET against salesforce-sim, then the simulator's own
# throughput on describe and query. A benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -p salesforce --example bench
cargo run --release -p salesforce-sim --example bench
