#!/usr/bin/env bash
# Sets up what is missing and runs every test: unit and HTTP tests on SQLite and on PostgreSQL,
# the simulator and client suites, jsforce and simple-salesforce against the simulator, and the
# browser journeys in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s (at %ss)\n' "$*" "$SECONDS"; }

step "PostgreSQL at 127.0.0.1:5432"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable at 127.0.0.1:5432"; exit 1; }

step "Build: wasm and site"
scripts/build-site.sh --site-only

# One package set for every cargo call, so dependencies are built with one feature set, once.
# The tests run demo mode and the simulator, so they enable the server's `demo` feature.
packages=(-p domain -p migrations -p server -p salesforce -p salesforce-sim --features server/demo)

step "A production server carries no simulator"
if cargo tree -p server -e normal --prefix none | grep -c '^salesforce-sim ' >/dev/null; then
  echo "the server depends on salesforce-sim without the demo feature"; exit 1
fi
cargo tree -p server -e normal --features demo --prefix none | grep -c '^salesforce-sim ' >/dev/null \
  || { echo "the demo feature should bring in salesforce-sim"; exit 1; }
echo "ok: salesforce-sim only with --features demo"

step "Tests on SQLite (this also builds target/debug/sofie)"
cargo test "${packages[@]}"

step "HTTP tests on PostgreSQL"
SOFIE_TEST_DATABASE=postgres cargo test "${packages[@]}" --test api
# Each test made its own database; drop them.
psql -h 127.0.0.1 -U postgres -d test -Atc "select datname from pg_database where datname like 'sofie_test_%'" \
  | while read -r db; do psql -h 127.0.0.1 -U postgres -d test -qc "drop database if exists $db" >/dev/null; done

step "Crash test: approved writes survive SIGKILL (10 runs)"
scripts/crash-changes.sh 10

step "Salesforce clients (jsforce, simple-salesforce) against the simulator"
end2end/clients/run.sh

step "Browser journeys (Chromium, with and without JavaScript)"
end2end/run.sh

printf '\nall test suites passed\n'
