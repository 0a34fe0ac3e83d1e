//! One log line per request: method, path, status and time. Never the query string (it may hold
//! an OAuth code or state), never cookies or authorization headers.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub async fn request_log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    // Every line logged while answering carries the request's method and path.
    let span = tracing::info_span!("request", %method, %path);
    let response = next.run(request).instrument(span).await;
    let status = response.status().as_u16();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(%method, %path, status, millis, "request");
    } else {
        tracing::info!(%method, %path, status, millis, "request");
    }
    response
}
