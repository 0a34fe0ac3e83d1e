//! A page render that stalls is rendered again, once.
//!
//! Under concurrent load, Leptos 0.8.23's server rendering sometimes never starts a page's
//! resource: the page's `Suspense` waits for data that is never fetched, with every database
//! worker idle, until the 90-second request timeout answers 503 (seen about once in 1,500 page
//! loads at four parallel test threads, on SQLite and PostgreSQL, on current-thread and
//! multi-thread runtimes alike; the same class of lost wake-up as leptos-rs/leptos#4851). A page
//! GET is safe to render twice, so a render that has not answered after [`STALL`] is dropped and
//! started over. Server functions (`/api/…`, including the OAuth callback, whose state is
//! single-use), assets and downloads are passed through untouched.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use tower::ServiceExt;

/// Longer than any page takes when it works, short enough that a person would still wait.
pub const STALL: Duration = Duration::from_secs(10);

/// Wraps `pages` so a stalled page render is started again.
pub fn retry_stalled_renders(pages: Router) -> Router {
    Router::new().fallback_service(tower::service_fn(move |request: Request| {
        let pages = pages.clone();
        async move { Ok::<_, std::convert::Infallible>(answer(pages, request).await) }
    }))
}

fn is_page(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !path.ends_with(".csv")
}

async fn answer(pages: Router, request: Request) -> Response {
    if !is_page(&request) {
        return pages
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
    }
    let (parts, body) = request.into_parts();
    let first = Request::from_parts(parts.clone(), body);
    match tokio::time::timeout(STALL, pages.clone().oneshot(first)).await {
        Ok(answered) => answered.unwrap_or_else(|never| match never {}),
        Err(_) => {
            tracing::warn!(path = %parts.uri.path(), "a page render stalled; rendering it again");
            let again = Request::from_parts(parts, Body::empty());
            pages
                .oneshot(again)
                .await
                .unwrap_or_else(|never| match never {})
        }
    }
}
