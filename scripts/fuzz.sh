#!/usr/bin/env bash
# Fuzzes the parsers that take outside input (issue 13) with cargo fuzz (libFuzzer + ASan):
# the SOQL guard, the record-id parser, the login-host normaliser, the OAuth callback's query and
# the tool API's arguments.
# Each target runs SECONDS (default 120) from its committed corpus (fuzz/corpus/TARGET), which
# the run grows and then minimises. Prints executions and crashes per target; exits non-zero on
# a crash, whose input is left in fuzz/artifacts/TARGET. Not part of the test command.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-120}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo fuzz passes nightly-only flags (sanitizers, coverage passes); the toolchain is stable.
export RUSTC_BOOTSTRAP=1

status=0
for target in soql_guard record_id login_host callback_query tool_args; do
  mkdir -p "corpus/$target"
  log=$(mktemp)
  if cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1; then
    outcome="0 crashes"
  else
    outcome="CRASH (see fuzz/artifacts/$target)"; status=1
  fi
  runs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$log" | tail -1)
  cargo fuzz cmin "$target" "corpus/$target" >/dev/null 2>&1 || true
  printf '%-16s %12s executions in %s s, %s, corpus %s inputs\n' \
    "$target" "${runs:-?}" "$secs" "$outcome" "$(ls "corpus/$target" | wc -l)"
  [[ "$outcome" == "0 crashes" ]] || tail -40 "$log"
  rm -f "$log"
done
exit "$status"
