//! Limits at the edge: request bodies (forms are small), request time (longer than the
//! Salesforce client's own 60-second timeout, so its answer always arrives first), and panics,
//! which answer the error page while the process keeps serving.

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The largest request body accepted: every form Sofie has fits in a fraction of this.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);

/// Wraps `router` in the body-size, time and panic limits; `stylesheet` styles the error page.
pub fn limit(router: Router, stylesheet: String) -> Router {
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(too_large))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::custom(move |_| panicked(&stylesheet)))
}

const TOO_LARGE: &str =
    "The form is too large to send (at most 64 KB). Shorten what you entered and try again.";

/// A body over the limit is refused before it is read. A plain (no-JavaScript) form is sent
/// back to its page with the message shown on it, as the server functions do with their errors;
/// other clients get 413 with the message.
async fn too_large(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return refuse_too_large(request.uri().path(), request.headers());
    }
    next.run(request).await
}

fn refuse_too_large(path: &str, headers: &axum::http::HeaderMap) -> Response {
    let error = app::error::AppError::PayloadTooLarge(TOO_LARGE.into());
    let json = serde_json::to_string(&error).expect("an error serialises");
    let accepts_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok());
    match back {
        // The origin check has already refused cross-site posts, so the Referer is our own page;
        // only its path and query are used, never its host.
        Some(mut back) if accepts_html => {
            back.query_pairs_mut()
                .append_pair("__path", path)
                .append_pair("__err", &URL_SAFE.encode(json));
            let target = match back.query() {
                Some(query) => format!("{}?{query}", back.path()),
                None => back.path().to_string(),
            };
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&target) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        _ => (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response(),
    }
}

fn panicked(stylesheet: &str) -> Response {
    let reference = format!("{:08x}", rand::random::<u32>());
    tracing::error!(%reference, "a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Something went wrong</title>\
             <link rel=\"stylesheet\" href=\"{stylesheet}\"></head><body><main><h1>Something went wrong</h1>\
             <p>Something went wrong on our side (reference {reference}). Try again in a moment; \
             if it keeps happening, tell your Sofie operator the reference.</p>\
             <p><a href=\"/\">Back to Sofie</a></p></main></body></html>"
        )),
    )
        .into_response()
}
