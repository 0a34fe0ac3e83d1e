//! `GET /api/integrations/callback/salesforce`: the browser's return from Salesforce. It is a
//! cross-site top-level navigation (the session cookie is `SameSite=Lax` for it), answered with a
//! 303 to a clean URL, `Cache-Control: no-store` and `Referrer-Policy: no-referrer`: the code and
//! state in this URL go nowhere else.

use app::api::ssr::SignedIn;
use app::error::AppError;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use domain::DomainError;
use domain::connections::CallbackOutcome;

use crate::assets::Assets;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn hygiene(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn see_other(path: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(path) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    hygiene(response)
}

/// The 400 page: what went wrong and the way back to Connect.
fn refused(assets: &Assets, message: &str, back: &str, back_label: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Salesforce was not connected</title><link rel=\"stylesheet\" href=\"{}\"></head>\
         <body><main class=\"error-page\"><h1>Salesforce was not connected</h1>\
         <p class=\"error\">{}</p><p>Nothing was stored. Start again with Connect on My Integrations.</p>\
         <p><a href=\"{}\">{}</a></p></main></body></html>",
        assets.stylesheet_href(),
        escape(message),
        escape(back),
        escape(back_label)
    );
    hygiene((StatusCode::BAD_REQUEST, Html(body)).into_response())
}

pub async fn salesforce_callback(
    State(assets): State<Assets>,
    signed_in: Result<SignedIn, AppError>,
    RawQuery(query): RawQuery,
) -> Response {
    let me = match signed_in {
        Ok(me) => me,
        Err(AppError::Unauthorized) => {
            return refused(
                &assets,
                "You are not signed in to Sofie in this browser, so this return from Salesforce cannot be matched to your Connect.",
                "/login",
                "Sign in",
            );
        }
        Err(other) => return hygiene(other.into_response()),
    };
    let query = query.unwrap_or_default();
    let outcome = me
        .services
        .connections
        .callback(me.user.id, &me.authn, &query)
        .await;
    let (back, outcome) = match outcome {
        Ok(done) => done,
        Err(DomainError::BadCallback(why)) => return refused(&assets, why, "/", "Back to Sofie"),
        Err(other) => return hygiene(AppError::from(other).into_response()),
    };
    let mut entry = None;
    let notice = match outcome {
        CallbackOutcome::Connected {
            reconnected,
            username,
        } => {
            let verb = if reconnected {
                "Reconnected"
            } else {
                "Connected"
            };
            format!("{verb} as {username}.")
        }
        CallbackOutcome::Confirm { attempt_id } => {
            return see_other(&format!("{back}/salesforce/confirm/{attempt_id}"));
        }
        CallbackOutcome::Refused(r) => {
            entry = domain::troubleshooting::entry_id(&r.error);
            format!(
                "Salesforce answered {}: {} Values to compare with the Salesforce app: callback URL {}, login host {}, Client ID ending in {}.",
                r.error, r.advice, r.callback_url, r.login_host, r.client_id_tail
            )
        }
        CallbackOutcome::Failed { message, entry: e } => {
            entry = e;
            message
        }
    };
    if let Err(err) = me.session.set_notice_with_entry(&notice, entry).await {
        return hygiene(err.into_response());
    }
    see_other(&back)
}
