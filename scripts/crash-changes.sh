#!/usr/bin/env bash
# The crash test of prepared changes (issue 10): RUNS runs (default 10), each killing a sofie
# process with SIGKILL at a random moment of five approved writes (creates, an update, an
# upsert, a delete), restarting it and checking every outcome at the simulator. Fails on any
# lost or duplicated write. The test command runs 10; the figure in the note comes from 100.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
cargo build -p server --features demo --bin sofie --example crash_changes -q
target/debug/examples/crash_changes target/debug/sofie "$runs"
