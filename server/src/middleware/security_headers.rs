//! Security headers on every response, including errors and static files. HTML pages get a
//! Content-Security-Policy with a fresh nonce, which the page's own scripts carry.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderValue, header};
use rand::RngCore;

/// Set by a page to widen its own `form-action` with these origins (space-separated).
pub const FORM_ACTION_HEADER: &str = app::api::ssr::FORM_ACTION_HEADER;

/// `https://host[:port]` or `http://127.0.0.1:port`-like: a scheme, a host, nothing else.
fn is_origin(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|u| {
        matches!(u.scheme(), "https" | "http")
            && u.host_str().is_some()
            && u.path() == "/"
            && u.query().is_none()
            && u.origin().ascii_serialization() == value
    })
}

/// The CSP nonce of the current request, read by the page renderer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

#[derive(Clone, Copy, Debug)]
pub struct HeaderPolicy {
    /// HSTS only makes sense when the canonical origin is https.
    pub https: bool,
}

pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let nonce = URL_SAFE_NO_PAD.encode(bytes);
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A page whose forms redirect to Salesforce (Connect) names those origins: Chromium applies
    // `form-action` to the redirect after a form post. Only origins, only for that response.
    let extra_form_action: String = headers
        .remove(FORM_ACTION_HEADER)
        .and_then(|v| v.to_str().ok().map(String::from))
        .map(|v| {
            v.split_whitespace()
                .filter(|o| is_origin(o))
                .map(|o| format!(" {o}"))
                .collect()
        })
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'{extra_form_action}"
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).expect("the CSP is ASCII"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`: other sites never see a Sofie URL, while Sofie's own plain (no-JavaScript)
    // form posts still carry the Referer that their error redirect needs.
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    let is_static = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("application/wasm")
                || t.starts_with("text/css")
                || t.contains("javascript")
        });
    if !is_static {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}
