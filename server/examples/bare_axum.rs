//! The benchmark baseline: a bare axum handler on the same runtime, so `scripts/bench-foundation.sh`
//! can print Sofie's figures as ratios to it. Usage: `bare_axum 127.0.0.1:PORT`.

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3999".into());
    let router = Router::new().route(
        "/",
        get(|| async {
            axum::response::Html("<!DOCTYPE html><title>bare</title><p>bare axum</p>")
        }),
    );
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router).await
}
