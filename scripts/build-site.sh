#!/usr/bin/env bash
# Builds what the server serves under /pkg (the hydrating wasm, its JS glue and the CSS) and the
# server binary, with plain cargo and wasm-bindgen: nothing is downloaded but crates.
# The server is built with the `demo` feature (the simulator, for `sofie demo`); a production
# server is `cargo build --release -p server`, without it.
# The wasm is always the size-optimised build (profile `wasm-release`): people see it in every
# mode, demo included. Every file is named by a hash of its content (so a browser may keep it for
# good) and written beside brotli and gzip copies; `target/site/asset-name` tells the server the name.
# Usage: scripts/build-site.sh [--release] [--site-only]
#   --release    build the server with the release profile
#   --site-only  skip the server binary (the test command gets it from `cargo test`, which builds
#                it with the test features unified, so the server is compiled once, not twice)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=dev; out=debug; server=yes
for arg in "$@"; do
  case "$arg" in
    --release) profile=release; out=release ;;
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
cargo build -p frontend --lib --target wasm32-unknown-unknown --target-dir target/front --profile wasm-release
wasm=target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm
name="sofie.$(cat "$wasm" style/main.css | sha256sum | cut -c1-16)"
pkg=target/site/pkg
rm -rf "$pkg" target/site/asset-name && mkdir -p "$pkg"
# The names section only helps a debugger; it is most of the file (Leptos' type names are long).
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$pkg" --out-name sofie "$wasm"
# wasm-bindgen reads a dot in --out-name as an extension, so the hash is added here.
sed "s/'sofie_bg.wasm'/'${name}_bg.wasm'/" "$pkg/sofie.js" > "$pkg/$name.js" && rm "$pkg/sofie.js"
mv "$pkg/sofie_bg.wasm" "$pkg/${name}_bg.wasm"
cp style/main.css "$pkg/$name.css"
cargo run -q --release -p precompress -- "$pkg/$name.js" "$pkg/${name}_bg.wasm" "$pkg/$name.css"
echo "$name" > target/site/asset-name
echo "built target/site/pkg ($name)"
if [[ "$server" == yes ]]; then
  cargo build -p server --features demo --profile "$profile"
  echo "built target/$out/sofie"
fi
