//! Cross-site request protection for every state-changing request (server functions are plain
//! form posts, which browsers send cross-site without a preflight). The scheme of Go 1.25's
//! CrossOriginProtection: trust `Sec-Fetch-Site`, fall back to `Origin`, and let requests with
//! neither header through, since browsers always send one of them.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};

#[derive(Clone, Debug)]
pub struct AllowedOrigins(pub Arc<Vec<String>>);

pub async fn origin_check(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers
        .get(http::header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let allowed_origin = |o: &str| allowed.0.iter().any(|a| a == o);
    let verdict = match (fetch_site, origin) {
        (Some("same-origin" | "none"), _) => true,
        (Some(_), _) => false,
        (None, Some(origin)) => allowed_origin(origin),
        (None, None) => true,
    };
    if verdict {
        next.run(request).await
    } else {
        tracing::warn!(
            event = "malicious_csrf",
            method = %request.method(),
            path = request.uri().path(),
            fetch_site = fetch_site.unwrap_or("-"),
            origin = origin.unwrap_or("-"),
            "refused a cross-site request"
        );
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}
