#!/usr/bin/env bash
# Foundation figures (issues 2 and 13), printed as numbers and as ratios to a bare axum handler
# measured in the same run: the signed-in home page, the organization's Salesforce page and My
# Integrations at 64 connections on SQLite and on PostgreSQL, beside the same home page rendered
# with every database answer stubbed in memory (examples/home_stub.rs); cold start on SQLite; peak
# RSS after 1,000 sign-ins and idle RSS after the load; the organization page at 8 connections
# with the demo's 2 groups and with 500 groups and 1,000 members. `--cold-build` also times a
# from-scratch release build. Loopback only; every loop is bounded.
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
# Its own build: SeaORM's mock connection must not be in the binary being measured.
cargo build --release -p server --features bench-stub --example home_stub -q
cargo run --release -p domain --example argon2_verify -q

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bare_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stub_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
export SOFIE_DEMO_PASSWORD="bench-demo-password"
cleanup() { kill "${server:-}" "${bare:-}" "${stub:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start_ns=$(date +%s%N)
( cd "$work" && LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn exec "$OLDPWD/target/release/sofie" demo >"$work/log" 2>&1 ) &
server=$!
until curl -fsS "$url/healthz" >/dev/null 2>&1; do sleep 0.005; done
echo "cold start on a new SQLite file (migrate + seed demo + listen): $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"

target/release/examples/bare_axum "127.0.0.1:$bare_port" &
bare=$!
until curl -fsS "http://127.0.0.1:$bare_port/" >/dev/null 2>&1; do sleep 0.005; done
MIMALLOC_ARENA_EAGER_COMMIT=0 MIMALLOC_PURGE_DELAY=0 target/release/examples/home_stub "127.0.0.1:$stub_port" >"$work/stub" 2>&1 &
stub=$!
until grep -q '^Cookie: ' "$work/stub" 2>/dev/null && curl -fsS "http://127.0.0.1:$stub_port/healthz" >/dev/null 2>&1; do sleep 0.005; done
stub_cookie=$(sed -n 's/^Cookie: //p' "$work/stub")
curl -fsS -H "Cookie: $stub_cookie" -H "Accept: text/html" "http://127.0.0.1:$stub_port/" | grep -q "Your organizations" \
  || { echo "the stubbed home page did not render the signed-in home page"; exit 1; }

jar="$work/cookies"
login() {
  curl -fsS -o /dev/null -c "$jar" -b "$jar" -H "Origin: $url" -H "Accept: text/html" \
    --data-urlencode "email=admin@acme.example" --data-urlencode "password=$SOFIE_DEMO_PASSWORD" "$url/api/auth/login"
}
login
cookie=$(awk '$6 == "sofie" {print "sofie=" $7}' "$jar")

conns=64
run_wrk() { wrk -t2 -c"$conns" -d10s --latency "$@"; }
report() { # name, wrk output: prints the line on stderr, the rate on stdout
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$2")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$2")
  printf '%-22s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99" >&2
  echo "$rps"
}
measure() { # name, wrk arguments (headers and URL, which curl takes too)…
  local name=$1 out status; shift
  # wrk counts only 4xx and 5xx as errors: a redirect to the sign-in page must not pass for the page.
  status=$(curl -s -o /dev/null -w '%{http_code}' "$@")
  if [[ "$status" != 200 ]]; then echo "$name answered $status before the run"; exit 1; fi
  out=$(run_wrk "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "$name answered non-2xx during the run"; echo "$out"; exit 1; fi
  report "$name" "$out"
}
base_rps=$(measure "bare axum handler" "http://127.0.0.1:$bare_port/")
stub_rps=$(measure "home, database stubbed" -H "Cookie: $stub_cookie" -H "Accept: text/html" "http://127.0.0.1:$stub_port/")
kill "$stub"
home_rps=$(measure "signed-in home page" -H "Cookie: $cookie" -H "Accept: text/html" "$url/")
org_rps=$(measure "org Salesforce page" -H "Cookie: $cookie" -H "Accept: text/html" "$url/o/acme/settings/integrations/salesforce")
mine_rps=$(measure "My Integrations" -H "Cookie: $cookie" -H "Accept: text/html" "$url/o/acme/integrations")
python3 -c "print(f'throughput ratio to bare axum: home {float($home_rps)/float($base_rps):.4f}, org Salesforce page {float($org_rps)/float($base_rps):.4f}')"
python3 -c "print(f'My Integrations: {float($mine_rps)/float($home_rps):.2f} of the home page')"
python3 -c "print(f'home page with the database stubbed: {float($stub_rps)/float($base_rps):.4f} of bare axum; the real home page runs at {float($home_rps)/float($stub_rps):.2f} of the stubbed one')"

for _ in $(seq 1 1000); do login; done
echo "peak RSS after 1,000 sign-ins: $(awk '/VmHWM/ {print $2, $3}' "/proc/$server/status")"
sleep 5
echo "idle RSS 5 s after the load: $(awk '/VmRSS/ {print $2, $3}' "/proc/$server/status")"
# Each sign-in replaced the jar's session, so the growth runs read the last one's cookie.
cookie=$(awk '$6 == "sofie" {print "sofie=" $7}' "$jar")

# Growth: the organization page at 8 connections, as the demo seeds it and with 500 groups and
# 1,000 members (written straight into the demo's SQLite file while the server runs).
conns=8
org_small=$(measure "org page, 2 groups" -H "Cookie: $cookie" -H "Accept: text/html" "$url/o/acme/settings/integrations/salesforce")
python3 - "$work/data/sofie.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
org, stamp = db.execute("SELECT id, created_at FROM organizations WHERE slug = 'acme'").fetchone()
pw = db.execute("SELECT password_hash FROM users LIMIT 1").fetchone()[0]
have = db.execute("SELECT count(*) FROM groups WHERE org_id = ?", (org,)).fetchone()[0]
db.executemany("INSERT INTO groups (org_id, name, created_at) VALUES (?, ?, ?)",
               [(org, f"Bench group {n:03}", stamp) for n in range(500 - have)])
db.executemany("INSERT INTO users (email, display_name, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?)",
               [(f"bench{n}@acme.example", f"Bench {n}", pw, stamp) for n in range(1000)])
db.execute("""INSERT INTO org_memberships (org_id, user_id, role, created_at)
              SELECT ?, id, 'member', ? FROM users WHERE email LIKE 'bench%@acme.example'""", (org, stamp))
db.execute("""INSERT INTO group_memberships (group_id, user_id, role, created_at)
              SELECT g.id, u.id, 'member', ? FROM users u
              JOIN groups g ON g.name = 'Bench group ' || printf('%03d', u.id % 498)
              WHERE u.email LIKE 'bench%@acme.example'""", (stamp,))
db.commit()
PY
org_large=$(measure "org page, 500 groups" -H "Cookie: $cookie" -H "Accept: text/html" "$url/o/acme/settings/integrations/salesforce")
python3 -c "print(f'org page with 500 groups and 1,000 members: {float($org_large)/float($org_small):.2f} of its 2-group rate')"
kill "$server"; wait "$server" 2>/dev/null || true

# The same pages on PostgreSQL (sharing the 2 cores with the server and wrk).
pg_db="sofie_bench_$$"
if psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $pg_db" 2>/dev/null; then
  conns=64
  pg_work="$work/pg"; mkdir -p "$pg_work"
  keys="1:$(head -c 32 /dev/urandom | base64 -w0)"
  ( cd "$pg_work" && LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn SOFIE_SECRET_KEYS="$keys" \
      SOFIE_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pg_db" \
      exec "$OLDPWD/target/release/sofie" demo >"$pg_work/log" 2>&1 ) &
  server=$!
  until curl -fsS "$url/healthz" >/dev/null 2>&1; do sleep 0.05; done
  rm -f "$jar"; login
  cookie=$(awk '$6 == "sofie" {print "sofie=" $7}' "$jar")
  pg_home=$(measure "PG signed-in home page" -H "Cookie: $cookie" -H "Accept: text/html" "$url/")
  pg_org=$(measure "PG org Salesforce page" -H "Cookie: $cookie" -H "Accept: text/html" "$url/o/acme/settings/integrations/salesforce")
  pg_mine=$(measure "PG My Integrations" -H "Cookie: $cookie" -H "Accept: text/html" "$url/o/acme/integrations")
  python3 -c "print(f'PostgreSQL to SQLite: home {float($pg_home)/float($home_rps):.2f}, org Salesforce page {float($pg_org)/float($org_rps):.2f}, My Integrations {float($pg_mine)/float($mine_rps):.2f}')"
  kill "$server"; wait "$server" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE $pg_db" >/dev/null
else
  echo "PostgreSQL at 127.0.0.1:5432 not reachable: PostgreSQL figures skipped"
fi
