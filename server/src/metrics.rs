//! `GET /metrics`: Prometheus text for the operator's scraper, behind the bearer token set in
//! `SOFIE_METRICS_TOKEN`. Without a token set it is not served at all (404), so nothing about
//! the deployment is public by default.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::startup::AppState;

/// Compares digests, so the time taken says nothing about how much of the token matched.
fn same_token(given: &str, wanted: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(wanted.as_bytes())
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(wanted) = &state.metrics_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|g| same_token(g, wanted.expose_secret())) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "the metrics token is missing or wrong\n",
        )
            .into_response();
    }
    let services = &state.services;
    match services
        .connections
        .metrics
        .render(&services.db, &services.connections.usage)
        .await
    {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "metrics could not be read");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "metrics are unavailable now\n",
            )
                .into_response()
        }
    }
}
