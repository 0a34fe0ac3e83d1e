#!/usr/bin/env bash
# Figures for people's Salesforce connections (issue 8), in one run: the refresh storm (500
# concurrent calls on an expired access token through two `sofie` processes on PostgreSQL, and
# one process on SQLite: refresh requests at Salesforce must be 1), one connect round trip
# through the simulator, and the calling service's overhead against a direct simulator call.
# A benchmark, not a test. Needs PostgreSQL at 127.0.0.1:5432 (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p server --features demo --bin sofie --example bench_connections -q
target/release/examples/bench_connections target/release/sofie
