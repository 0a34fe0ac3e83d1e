#!/usr/bin/env bash
# Runs the browser journeys: starts the built server in demo mode on a fresh SQLite database,
# runs Playwright against it in Debian's Chromium (both with and without JavaScript), stops it.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)

if [[ ! -x /usr/bin/chromium ]]; then
  echo "installing Debian's chromium"
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null
fi
[[ -d node_modules/@playwright/test && -d node_modules/@axe-core/playwright && -d node_modules/@modelcontextprotocol/sdk \
  && -d node_modules/@modelcontextprotocol/client ]] || npm install --no-audit --no-fund --silent
[[ -x mcp-conformance/node_modules/.bin/node && -d mcp-conformance/node_modules/@modelcontextprotocol/conformance ]] \
  || (cd mcp-conformance && npm install --no-audit --no-fund --silent)

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
# The MCP journey puts a token-adding proxy in front of /mcp for the conformance suite; like a
# production TLS proxy, its address is one of the public origins.
export SOFIE_E2E_MCP_PROXY_PORT=$(free_port)
export SOFIE_DEMO_PASSWORD="end2end-demo-password"
export SOFIE_E2E_URL="http://127.0.0.1:$port"
(
  cd "$work"
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$root/target/site" RUST_LOG=warn \
    SOFIE_PUBLIC_ORIGINS="http://127.0.0.1:$port,http://127.0.0.1:$SOFIE_E2E_MCP_PROXY_PORT" \
    exec "$root/target/debug/sofie" demo
) > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$SOFIE_E2E_URL/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
npx playwright test "$@"
