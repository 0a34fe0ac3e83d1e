#!/usr/bin/env bash
# Proves the simulator works for widely used Salesforce clients, unmodified: jsforce (npm) and
# simple-salesforce (PyPI). Installs what is missing (node_modules, .venv), starts
# target/debug/salesforce-sim over HTTPS on free ports (simple-salesforce only speaks https),
# runs both suites, stops the simulator, and exits non-zero when any test failed.
#
# The simulator binary comes from `cargo build -p salesforce-sim` (run here when it is missing;
# otherwise rebuild it yourself after changing the simulator).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
sim="$root/target/debug/salesforce-sim"

[[ -x $sim ]] || (cd "$root" && cargo build -p salesforce-sim -q)
# Each install is redone only when what it pins changed since it was made.
if ! cmp -s package-lock.json node_modules/.installed-package-lock.json; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-package-lock.json
fi
if ! cmp -s requirements.txt .venv/installed-requirements.txt; then
  [[ -x .venv/bin/python ]] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  cp requirements.txt .venv/installed-requirements.txt
fi

work=$(mktemp -d)
"$sim" --config sim-config.json --tls-cert "$work/sim.pem" >"$work/urls" 2>"$work/sim.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
# The one JSON line of URLs comes after the certificate file is written.
for _ in $(seq 1 100); do
  grep -q '}' "$work/urls" 2>/dev/null && break
  if ! kill -0 $pid 2>/dev/null; then
    cat "$work/sim.log"
    echo "the simulator did not start; an old binary? cargo build -p salesforce-sim"
    exit 1
  fi
  sleep 0.1
done
SIM_LOGIN_URL=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["login_production"])' "$work/urls")
export SIM_LOGIN_URL

failed=0
echo "== jsforce $(node -p 'require("jsforce/package.json").version')"
NODE_EXTRA_CA_CERTS="$work/sim.pem" node --test --test-reporter=spec jsforce.test.mjs || failed=1
echo "== simple-salesforce $(.venv/bin/python -c 'from importlib.metadata import version; print(version("simple-salesforce"))')"
REQUESTS_CA_BUNDLE="$work/sim.pem" .venv/bin/python simple_salesforce_test.py || failed=1
if ((failed)); then
  echo "simulator log:"; cat "$work/sim.log"
fi
exit $failed
