#!/usr/bin/env bash
# Sets up what is missing, builds, and runs Sofie in demo mode on the embedded default (a SQLite
# file under ./data/). Prints the URL and the demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-site.sh
exec target/debug/sofie demo
