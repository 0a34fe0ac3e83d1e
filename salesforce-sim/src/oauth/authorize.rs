//! `/services/oauth2/authorize`: the sign-in and consent page.
//!
//! GET shows a plain HTML form; POST (the same parameters as form fields, plus `username`,
//! `password` and `approve=true|false`) signs in and answers with Salesforce's 302 to the
//! callback. Errors about the client or the redirect URI are shown on the page, never redirected,
//! because Salesforce cannot trust a redirect URI it failed to verify.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::clock::{now_ms, random_token};
use crate::config::ConnectedApp;
use crate::oauth::tokens::AuthCode;
use crate::server::Ctx;

type Params = HashMap<String, String>;

/// The fields carried from the GET to the POST.
const CARRIED: [&str; 9] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "prompt",
];

pub async fn show(State(ctx): State<Ctx>, Query(params): Query<Params>) -> Response {
    match validate(&ctx, &params) {
        Ok(_) => page(StatusCode::OK, &params, None),
        Err(response) => response,
    }
}

pub async fn submit(State(ctx): State<Ctx>, Query(query): Query<Params>, body: Bytes) -> Response {
    let mut params = query;
    params.extend(url::form_urlencoded::parse(&body).into_owned());
    let request = match validate(&ctx, &params) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let username = params.get("username").map(String::as_str).unwrap_or("");
    let password = params.get("password").map(String::as_str).unwrap_or("");
    let mut state = ctx.sim.lock();
    let user = state
        .users
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(username) && u.password == password)
        .cloned();
    let org = user.as_ref().and_then(|u| state.org(&u.org_id));
    let allowed = org.is_some_and(|o| ctx.sim.login_allowed(ctx.host, o));
    let org = org.map(|o| o.config.clone());
    let (user, org) = match (user, org) {
        (Some(u), Some(o)) if u.active && !u.frozen && allowed => (u, o),
        _ => {
            drop(state);
            let message = "Please check your username and password. If you still can't log in, contact your Salesforce administrator.";
            return page(StatusCode::OK, &params, Some(message));
        }
    };
    if params.get("approve").is_some_and(|v| v == "false") {
        return redirect_error(&request, "access_denied", "end-user denied authorization");
    }
    if request.app.blocked {
        return redirect_error(
            &request,
            "OAUTH_APP_BLOCKED",
            "this app is blocked by admin",
        );
    }
    if !request.app.installed {
        return redirect_error(
            &request,
            "OAUTH_APP_ACCESS_DENIED",
            "user is not admin approved to access this app",
        );
    }
    let code = format!("aPrx{}==", random_token(60));
    let expires_ms = now_ms() + state.code_ttl_ms;
    state.codes.insert(
        code.clone(),
        AuthCode {
            client_id: request.app.client_id.clone(),
            user_id: user.user_id.clone(),
            org_id: org.id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            scopes: request.scopes.clone(),
            challenge: request.challenge.clone(),
            host: ctx.host,
            expires_ms,
        },
    );
    redirect(&request, &[("code", &code)])
}

/// A request whose client and redirect URI are trusted, so errors may go back to the callback.
struct Valid {
    app: ConnectedApp,
    redirect_uri: String,
    state: Option<String>,
    scopes: Vec<String>,
    challenge: Option<String>,
}

fn validate(ctx: &Ctx, params: &Params) -> Result<Valid, Response> {
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let app = {
        let state = ctx.sim.lock();
        get("client_id").and_then(|id| state.app(id)).cloned()
    };
    let Some(app) = app else {
        return Err(error_page("invalid_client_id", "client identifier invalid"));
    };
    let Some(redirect_uri) = get("redirect_uri") else {
        return Err(error_page(
            "redirect_uri_missing",
            "redirect_uri must be provided",
        ));
    };
    if !app.callback_urls.iter().any(|u| u == redirect_uri) {
        return Err(error_page(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        ));
    }
    let mut valid = Valid {
        redirect_uri: redirect_uri.to_string(),
        state: get("state").map(String::from),
        scopes: Vec::new(),
        challenge: get("code_challenge").map(String::from),
        app,
    };
    if get("response_type") != Some("code") {
        return Err(redirect_error(
            &valid,
            "unsupported_response_type",
            "response type not supported",
        ));
    }
    valid.scopes = match get("scope") {
        None => valid.app.scopes.clone(),
        Some(scope) => {
            let mut scopes: Vec<String> = Vec::new();
            for s in scope.split_whitespace() {
                let offline = s == "refresh_token" || s == "offline_access";
                if offline && !valid.app.scopes.iter().any(|allowed| allowed == s) {
                    // An app not set up for offline access still signs the user in; the token
                    // response then simply carries no refresh token.
                    continue;
                }
                if !valid.app.scopes.iter().any(|allowed| allowed == s) {
                    return Err(redirect_error(
                        &valid,
                        "invalid_scope",
                        "the requested scope is not allowed",
                    ));
                }
                if !scopes.iter().any(|seen| seen == s) {
                    scopes.push(s.to_string());
                }
            }
            scopes
        }
    };
    if get("code_challenge_method").is_some_and(|m| m != "S256") {
        return Err(redirect_error(
            &valid,
            "invalid_request",
            "unsupported code challenge method",
        ));
    }
    if valid.app.require_pkce && valid.challenge.is_none() {
        return Err(redirect_error(
            &valid,
            "invalid_request",
            "missing required code challenge",
        ));
    }
    if get("immediate") == Some("true") {
        return Err(redirect_error(
            &valid,
            "immediate_unsuccessful",
            "user is not logged in",
        ));
    }
    Ok(valid)
}

fn redirect(request: &Valid, pairs: &[(&str, &str)]) -> Response {
    let mut target =
        url::Url::parse(&request.redirect_uri).expect("callback URLs were matched exactly");
    {
        let mut query = target.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

fn redirect_error(request: &Valid, error: &str, description: &str) -> Response {
    redirect(
        request,
        &[("error", error), ("error_description", description)],
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Salesforce's own error page: the error code and description, and no way back to the app.
fn error_page(error: &str, description: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html><head><title>Salesforce (simulator) - Error</title></head><body>\
         <h1>Remote Access Error</h1><p id=\"error\">error={}&amp;error_description={}</p></body></html>",
        escape(error),
        escape(description)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

fn page(status: StatusCode, params: &Params, error: Option<&str>) -> Response {
    let hidden: String = CARRIED
        .iter()
        .filter_map(|k| params.get(*k).map(|v| (k, v)))
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape(v)
            )
        })
        .collect();
    let username = params
        .get("username")
        .or(params.get("login_hint"))
        .map(|u| escape(u))
        .unwrap_or_default();
    let error = error
        .map(|e| format!("<p id=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let client = escape(params.get("client_id").map(String::as_str).unwrap_or(""));
    let scope = escape(
        params
            .get("scope")
            .map(String::as_str)
            .unwrap_or("(all scopes of the app)"),
    );
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Login | Salesforce (simulator)</title></head>\
         <body><h1>Salesforce simulator</h1>{error}\
         <form method=\"post\" action=\"/services/oauth2/authorize\">{hidden}\
         <label>Username <input type=\"email\" name=\"username\" id=\"username\" value=\"{username}\" autocomplete=\"username\"></label>\
         <label>Password <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"current-password\"></label>\
         <p>Allow access? App <code>{client}</code> asks for: <code>{scope}</code></p>\
         <button type=\"submit\" name=\"approve\" value=\"true\" id=\"allow\">Allow</button>\
         <button type=\"submit\" name=\"approve\" value=\"false\" id=\"deny\">Deny</button>\
         </form></body></html>"
    );
    (status, Html(body)).into_response()
}
