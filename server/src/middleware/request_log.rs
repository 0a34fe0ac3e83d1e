//! One log line per request: request id, method, route template, path, status and time. Never
//! the query string (it may hold an OAuth code or state), never cookies or authorization headers.
//!
//! The request id is the proxy's `X-Request-Id` when it is a plain token, otherwise a new one;
//! every line logged while answering carries it, and the response echoes it.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use domain::metrics::Metrics;
use rand::RngCore;
use tracing::Instrument;

const REQUEST_ID: &str = "x-request-id";

/// The proxy's id when it is 1 to 64 characters of `[A-Za-z0-9._-]`, so a client cannot put
/// anything else into the log; otherwise 16 random hex digits.
fn request_id(request: &Request) -> String {
    let given = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        });
    match given {
        Some(id) => id.to_owned(),
        None => {
            let mut bytes = [0u8; 8];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }
    }
}

/// The route template a response was routed by, for routers behind a fallback service (the
/// pages), whose match the outer request never sees.
#[derive(Clone)]
pub struct RouteTemplate(MatchedPath);

/// Layered on such a router: hands the matched template out on the response.
pub async fn mark_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(RouteTemplate(matched));
    }
    response
}

pub async fn request_log(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let id = request_id(&request);
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id, %method);
    let mut response = next.run(request).instrument(span).await;
    let route = matched
        .or_else(|| {
            response
                .extensions()
                .get::<RouteTemplate>()
                .map(|r| r.0.clone())
        })
        .map_or_else(|| "(unmatched)".to_owned(), |m| m.as_str().to_owned());
    let status = response.status().as_u16();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    metrics.request(&route, status, started.elapsed());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    if status >= 500 {
        tracing::error!(request_id = %id, %method, %route, %path, status, millis, "request");
    } else {
        tracing::info!(request_id = %id, %method, %route, %path, status, millis, "request");
    }
    response
}
