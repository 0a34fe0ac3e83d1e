#!/usr/bin/env bash
# Foundation figures (issue 2), printed as numbers and as ratios to a bare axum handler measured
# in the same run: signed-in home page throughput and latency at 64 connections, cold start on
# SQLite, peak RSS after 1,000 sign-ins. `--cold-build` also times a from-scratch release build.
# Loopback only; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)

if [[ "${1:-}" == "--cold-build" ]]; then
  cold=$(mktemp -d)
  start=$(date +%s)
  CARGO_TARGET_DIR="$cold" cargo build --release -p server --features demo --bin sofie -q
  echo "cold release build of the server: $(( $(date +%s) - start )) s"
  rm -rf "$cold"
fi
cargo build --release -p server --features demo --bin sofie --example bare_axum -q
cargo run --release -p domain --example argon2_verify -q

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bare_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
export SOFIE_DEMO_PASSWORD="bench-demo-password"
cleanup() { kill "${server:-}" "${bare:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start_ns=$(date +%s%N)
( cd "$work" && LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn exec "$OLDPWD/target/release/sofie" demo >"$work/log" 2>&1 ) &
server=$!
until curl -fsS "$url/healthz" >/dev/null 2>&1; do sleep 0.005; done
echo "cold start on a new SQLite file (migrate + seed demo + listen): $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"

target/release/examples/bare_axum "127.0.0.1:$bare_port" &
bare=$!
until curl -fsS "http://127.0.0.1:$bare_port/" >/dev/null 2>&1; do sleep 0.005; done

jar="$work/cookies"
login() {
  curl -fsS -o /dev/null -c "$jar" -b "$jar" -H "Origin: $url" -H "Accept: text/html" \
    --data-urlencode "email=admin@acme.example" --data-urlencode "password=$SOFIE_DEMO_PASSWORD" "$url/api/auth/login"
}
login
cookie=$(awk '$6 == "sofie" {print "sofie=" $7}' "$jar")

run_wrk() { wrk -t2 -c64 -d10s --latency "$@"; }
report() { # name, wrk output: prints the line on stderr, the rate on stdout
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$2")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$2")
  printf '%-22s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99" >&2
  echo "$rps"
}
measure() { # name, wrk arguments…
  local name=$1 out; shift
  out=$(run_wrk "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "$name answered non-2xx during the run"; echo "$out"; exit 1; fi
  report "$name" "$out"
}
base_rps=$(measure "bare axum handler" "http://127.0.0.1:$bare_port/")
home_rps=$(measure "signed-in home page" -H "Cookie: $cookie" -H "Accept: text/html" "$url/")
org_rps=$(measure "org Salesforce page" -H "Cookie: $cookie" -H "Accept: text/html" "$url/o/acme/settings/integrations/salesforce")
python3 -c "print(f'throughput ratio to bare axum: home {float($home_rps)/float($base_rps):.4f}, org Salesforce page {float($org_rps)/float($base_rps):.4f}')"

for _ in $(seq 1 1000); do login; done
echo "peak RSS after 1,000 sign-ins: $(awk '/VmHWM/ {print $2, $3}' "/proc/$server/status")"
