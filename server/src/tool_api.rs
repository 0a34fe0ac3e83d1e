//! The JSON tool API, `/api/v1/salesforce/…`:
//! - `GET /api/v1/salesforce/tools`: every tool with its schemas and annotations;
//! - `POST /api/v1/salesforce/tools/{name}`: runs the tool with the body as its arguments.
//!
//! The caller is an assistant with a personal access token (`Authorization: Bearer sofie_pat_…`)
//! or the signed-in person (the session cookie; the cross-site check of every POST applies, and
//! `?org={slug}` names the organization when they belong to several). Failures are RFC 9457
//! problem details whose `detail` says what happened and what to do.

use app::api::ssr::{Services, SignedIn};
use app::error::AppError;
use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use domain::access::Actor;
use domain::tokens;
use domain::tools::{Caller, ToolDef};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::startup::AppState;

/// An RFC 9457 problem: `application/problem+json` with a type, title, status and detail.
pub struct Problem {
    status: StatusCode,
    kind: &'static str,
    title: &'static str,
    detail: String,
    extra: Value,
    retry_after: Option<u64>,
}

impl Problem {
    fn new(
        status: u16,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            kind,
            title,
            detail: detail.into(),
            extra: json!({}),
            retry_after: None,
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            401,
            "unauthenticated",
            "Not signed in",
            "Send a personal access token as `Authorization: Bearer sofie_pat_…` (make one on My Integrations), or sign in. A revoked or expired token, or one whose owner left the organization, no longer works.",
        )
    }

    /// The domain's failure for organization `org`, mapped once through the app's sentences.
    pub fn from_domain(err: DomainError, org: &str) -> Self {
        let kind = err.kind();
        if let DomainError::InsufficientScope(scope) = &err {
            let mut p = Self::new(
                403,
                "insufficient_scope",
                "The token lacks a scope",
                format!(
                    "This token does not have the {} scope this tool needs. Make a token with it on My Integrations.",
                    scope.as_str()
                ),
            );
            p.extra = json!({ "required_scope": scope.as_str() });
            return p;
        }
        if let DomainError::Throttled { retry_after_secs } = err {
            let mut p = Self::new(
                429,
                "throttled",
                "Too many calls",
                format!(
                    "This token made more tool calls this minute than Sofie allows; wait {retry_after_secs} seconds and call again."
                ),
            );
            p.retry_after = Some(retry_after_secs);
            p.extra = json!({ "retry_after_secs": retry_after_secs });
            return p;
        }
        let reconnect = matches!(
            err,
            DomainError::NotConnected | DomainError::NeedsReconnect(_)
        );
        let app = AppError::from(err);
        let title = match app.status() {
            400 => "The request cannot be run",
            403 => "Not allowed",
            404 => "Not found",
            409 => "Salesforce needs attention",
            429 => "A limit was reached",
            503 => "Temporarily unavailable",
            _ => "The request failed",
        };
        let mut p = Self::new(app.status(), kind, title, sentence(&app.to_string()));
        if reconnect {
            p.extra = json!({ "my_integrations": format!("/o/{org}/integrations") });
        }
        p
    }
}

/// The first letter upper-case and a full stop at the end.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl Problem {
    /// The problem document: type, title, status, detail and any extra members.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": format!("https://sofie.dev/problems/{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let (Some(b), Some(extra)) = (body.as_object_mut(), self.extra.as_object()) {
            b.extend(extra.clone());
        }
        body
    }
}

impl IntoResponse for Box<Problem> {
    fn into_response(self) -> Response {
        (*self).into_response()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.body();
        let mut response = (self.status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"sofie\""),
            );
        }
        response
    }
}

/// The authenticated caller of a tool request.
pub struct ToolCaller {
    pub actor: Actor,
    pub caller: Caller,
}

#[derive(Deserialize)]
pub struct OrgChoice {
    org: Option<String>,
}

pub fn bearer(headers: &HeaderMap) -> Option<SecretString> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| SecretString::from(token.trim().to_owned()))
}

impl ToolCaller {
    /// A bearer token when one is sent (a bad one is refused, never a fallback to the session);
    /// otherwise the signed-in person.
    async fn of(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let services = &state.services;
        if parts.headers.contains_key(header::AUTHORIZATION) {
            let token = bearer(&parts.headers).ok_or_else(Problem::unauthenticated)?;
            let caller = tokens::authenticate(&services.db, &token, state.token_rate)
                .await
                .map_err(|e| Problem::from_domain(e, ""))?
                .ok_or_else(Problem::unauthenticated)?;
            return Ok(Self {
                caller: Caller::Token {
                    id: caller.token_id,
                    name: caller.token_name,
                    scopes: caller.scopes,
                    mcp_client: None,
                },
                actor: caller.actor,
            });
        }
        let me = SignedIn::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::unauthenticated())?;
        let Query(choice) = Query::<OrgChoice>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                Problem::new(
                    400,
                    "invalid_input",
                    "Bad query string",
                    "Give the organization as ?org={slug}.",
                )
            })?;
        let slug = match choice.org {
            Some(slug) => slug,
            None => only_org(services, &me).await?,
        };
        let actor = me.actor(&slug).await.map_err(|_| {
            Problem::new(
                404,
                "not_found",
                "Not found",
                format!("You are not a member of an organization {slug:?}."),
            )
        })?;
        Ok(Self {
            actor,
            caller: Caller::Session,
        })
    }
}

async fn only_org(services: &Services, me: &SignedIn) -> Result<String, Problem> {
    let orgs = domain::access::memberships(&services.db, me.user.id)
        .await
        .map_err(|e| Problem::from_domain(e, ""))?;
    match orgs.as_slice() {
        [(org, _)] => Ok(org.slug.clone()),
        _ => Err(Problem::new(
            400,
            "invalid_input",
            "Which organization?",
            "You belong to several organizations: name one as ?org={slug}.",
        )),
    }
}

impl FromRequestParts<AppState> for ToolCaller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        Self::of(parts, state).await
    }
}

fn listing(def: &ToolDef) -> Value {
    json!({
        "name": def.name,
        "title": def.title,
        "description": def.description,
        "scope": def.scope.as_str(),
        "inputSchema": def.input_schema,
        "outputSchema": def.output_schema,
        "annotations": def.annotations,
    })
}

pub async fn list(State(state): State<AppState>, _caller: ToolCaller) -> Response {
    let tools: Vec<Value> = state.services.tools.list().iter().map(listing).collect();
    Json(json!({ "tools": tools })).into_response()
}

pub async fn call(
    State(state): State<AppState>,
    Path(name): Path<String>,
    caller: ToolCaller,
    body: axum::body::Bytes,
) -> Response {
    let tools = &state.services.tools;
    if !tools.list().iter().any(|t| t.name == name) {
        return Problem::new(
            404,
            "unknown_tool",
            "No such tool",
            format!("There is no tool named {name:?}; GET /api/v1/salesforce/tools lists them."),
        )
        .into_response();
    }
    let arguments = match arguments_of(&body) {
        Ok(v) => v,
        Err(problem) => return problem.into_response(),
    };
    let org = caller.actor.org.slug.clone();
    match tools
        .call(&caller.actor, &caller.caller, &name, arguments)
        .await
    {
        Ok(result) => Json(result).into_response(),
        Err(e) => Problem::from_domain(e, &org).into_response(),
    }
}

/// The body as the tool's arguments: empty means none.
fn arguments_of(body: &[u8]) -> Result<Value, Box<Problem>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| {
        Problem::new(
            400,
            "invalid_input",
            "The body is not JSON",
            format!("Send the tool's arguments as a JSON object: {e}."),
        )
        .into()
    })
}

/// `POST /api/v1/salesforce/context`: a context bundle of records for a chat or a workflow,
/// as JSON (with its Markdown inside), or only the Markdown for `Accept: text/markdown`.
pub async fn context(
    State(state): State<AppState>,
    caller: ToolCaller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let arguments = match arguments_of(&body) {
        Ok(v) => v,
        Err(problem) => return problem.into_response(),
    };
    let org = caller.actor.org.slug.clone();
    let bundle = match state
        .services
        .tools
        .context(&caller.actor, &caller.caller, arguments)
        .await
    {
        Ok(bundle) => bundle,
        Err(e) => return Problem::from_domain(e, &org).into_response(),
    };
    let wants_markdown = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/markdown"));
    if wants_markdown {
        let markdown = bundle["markdown"].as_str().unwrap_or_default().to_owned();
        return (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            markdown,
        )
            .into_response();
    }
    Json(bundle).into_response()
}
