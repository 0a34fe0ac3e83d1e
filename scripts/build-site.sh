#!/usr/bin/env bash
# Builds what the server serves under /pkg (the hydrating wasm, its JS glue and the CSS) and the
# server binary, with plain cargo and wasm-bindgen: nothing is downloaded but crates.
# The server is built with the `demo` feature (the simulator, for `sofie demo`); a production
# server is `cargo build --release -p server`, without it.
# Usage: scripts/build-site.sh [--release] [--site-only]
#   --site-only  skip the server binary (the test command gets it from `cargo test`, which builds
#                it with the test features unified, so the server is compiled once, not twice)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=dev; wasm_profile=dev; out=debug; wasm_out=debug; server=yes
for arg in "$@"; do
  case "$arg" in
    --release) profile=release; wasm_profile=wasm-release; out=release; wasm_out=wasm-release ;;
    --site-only) server=no ;;
    *) echo "unknown option $arg"; exit 2 ;;
  esac
done

rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' \
  || rustup target add wasm32-unknown-unknown

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/, "", $3); print $3}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" != "$want" ]]; then
  echo "installing wasm-bindgen-cli $want (once; a few minutes)"
  cargo install wasm-bindgen-cli --version "$want"
fi

# The wasm and the server are built from this same checkout, so server-function URLs agree.
cargo build -p frontend --lib --target wasm32-unknown-unknown --target-dir target/front --profile "$wasm_profile"
rm -rf target/site/pkg && mkdir -p target/site/pkg
wasm-bindgen --target web --no-typescript --out-dir target/site/pkg --out-name sofie \
  "target/front/wasm32-unknown-unknown/$wasm_out/frontend.wasm"
cp style/main.css target/site/pkg/sofie.css
echo "built target/site/pkg"
if [[ "$server" == yes ]]; then
  cargo build -p server --features demo --profile "$profile"
  echo "built target/$out/sofie"
fi
