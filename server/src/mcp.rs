//! The MCP server at `/mcp` (streamable HTTP, through `rmcp`): the same tools as the JSON API,
//! from the same definitions, for a person's assistant holding one of their access tokens.
//!
//! Nothing is kept per client, so any server process answers any request: 2026-07-28 clients
//! are stateless by design, and 2025-11-25 clients get `initialize` answered without a session
//! id (`legacy_session_mode` off). The `Host` must be one of the public origins' hosts and a
//! present `Origin` one of the public origins (403 otherwise). The bearer token is checked
//! before the request reaches the SDK; a missing or dead one is a 401 that points at the
//! protected-resource metadata (RFC 9728).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use domain::tokens::{self, Scope, TokenCaller};
use domain::tools::Caller;
use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock,
    Implementation, ListResourceTemplatesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, ResourceContents,
    ResourceTemplate, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Value, json};

use crate::startup::AppState;
use crate::tool_api::{Problem, bearer};

pub const PATH: &str = "/mcp";
/// RFC 9728 metadata of the resource at `/mcp`, at its path-suffixed and its root address.
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";
const RESOURCE_TEMPLATE: &str = "salesforce://{object}/{id}";
/// How long a client may keep `tools/list` and the resource templates: they change only with a
/// new release.
const LIST_TTL_MS: u64 = 5 * 60 * 1000;

#[derive(Clone)]
pub struct SofieMcp {
    state: AppState,
    tools: Arc<Vec<Tool>>,
}

/// The tool definitions in MCP's shape, in the fixed order the domain lists them.
fn mcp_tools(state: &AppState) -> Vec<Tool> {
    state
        .services
        .tools
        .list()
        .iter()
        .map(|def| {
            serde_json::from_value(json!({
                "name": def.name,
                "title": def.title,
                "description": def.description,
                "inputSchema": def.input_schema,
                "outputSchema": def.output_schema,
                "annotations": def.annotations,
            }))
            .expect("every tool definition is a valid MCP tool")
        })
        .collect()
}

/// The `/mcp` service for the public origins `origins` (e.g. `https://sofie.example.com`).
pub fn service(
    state: AppState,
    origins: &[url::Url],
) -> StreamableHttpService<SofieMcp, NeverSessionManager> {
    let hosts = origins.iter().filter_map(|o| {
        let host = o.host_str()?;
        Some(match o.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        })
    });
    let allowed_origins = origins.iter().map(|o| o.origin().ascii_serialization());
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_allowed_hosts(hosts)
        .with_allowed_origins(allowed_origins)
        .enforce_origin_validation();
    let handler = SofieMcp {
        tools: Arc::new(mcp_tools(&state)),
        state,
    };
    StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}

/// Authenticates the bearer token of every `/mcp` request and hands the caller to the handler
/// in the request's extensions.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(token) = bearer(request.headers()) else {
        return unauthenticated(&state);
    };
    match tokens::authenticate(&state.services.db, &token, state.token_rate).await {
        Ok(Some(caller)) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Ok(None) => unauthenticated(&state),
        Err(err) => Problem::from_domain(err, "").into_response(),
    }
}

fn unauthenticated(state: &AppState) -> Response {
    let metadata = format!("{}{METADATA_PATH}{PATH}", state.services.tools.origin());
    let mut response = Problem::unauthenticated().into_response();
    if let Ok(value) = header::HeaderValue::from_str(&format!(
        "Bearer realm=\"sofie\", resource_metadata=\"{metadata}\""
    )) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// `GET /.well-known/oauth-protected-resource[/mcp]`: what the MCP resource is and how to
/// present a token to it (RFC 9728). No authorization server is named yet: tokens are made on
/// My Integrations.
pub async fn protected_resource(State(state): State<AppState>) -> Response {
    let origin = state.services.tools.origin();
    axum::Json(json!({
        "resource": format!("{origin}{PATH}"),
        "resource_name": "Sofie Salesforce tools",
        "bearer_methods_supported": ["header"],
        "scopes_supported": [Scope::Read.as_str(), Scope::Propose.as_str()],
        "resource_documentation": format!("{origin}/"),
    }))
    .into_response()
}

/// The token's caller the middleware put into the request.
fn caller_of(ctx: &RequestContext<RoleServer>) -> Result<(TokenCaller, Caller), McpError> {
    let token = ctx
        .extensions
        .get::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<TokenCaller>())
        .cloned()
        .ok_or_else(|| McpError::internal_error("the request was not authenticated", None))?;
    let client = ctx
        .meta
        .client_info()
        .map(|c| format!("{} {}", c.name, c.version))
        .unwrap_or_else(|| "unnamed".into());
    let caller = Caller::Token {
        id: token.token_id,
        name: token.token_name.clone(),
        scopes: token.scopes.clone(),
        mcp_client: Some(client),
    };
    Ok((token, caller))
}

/// A business failure as the sentence the JSON API puts in its problem's `detail`.
fn failure_text(err: DomainError, org: &str) -> (String, Value) {
    let problem = Problem::from_domain(err, org).body();
    let detail = problem["detail"].as_str().unwrap_or_default().to_owned();
    (detail, problem)
}

impl ServerHandler for SofieMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("sofie-salesforce", env!("CARGO_PKG_VERSION"))
                .with_title("Sofie — Salesforce"),
        )
        .with_instructions(
            "Salesforce through the connection of the person who made this token: it sees only what \
             their Salesforce user may see. Reads answer at once; propose_* tools prepare a change \
             that runs only after the person approves it in Sofie, so relay the approval link.",
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools.to_vec())
            .with_ttl_ms(LIST_TTL_MS)
            .with_cache_scope(CacheScope::Private))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        if self.get_tool(&request.name).is_none() {
            return Err(McpError::invalid_params(
                format!(
                    "There is no tool named {:?}; tools/list lists them.",
                    request.name
                ),
                None,
            ));
        }
        let (token, caller) = caller_of(&ctx)?;
        let arguments = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let answer = self
            .state
            .services
            .tools
            .call(&token.actor, &caller, &request.name, arguments)
            .await;
        let result = match answer {
            Ok(value) => {
                let mut result =
                    CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
                result.structured_content = Some(value);
                result
            }
            Err(err) => {
                let (detail, _) = failure_text(err, &token.actor.org.slug);
                CallToolResult::error(vec![ContentBlock::text(detail)])
            }
        };
        Ok(result.into())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let record = ResourceTemplate::new(RESOURCE_TEMPLATE, "salesforce_record")
            .with_title("A Salesforce record")
            .with_description(
                "Any record your Salesforce user may read, by object API name and record id \
                 (e.g. salesforce://Account/001xx000003DGb2AAG): its name and key fields as JSON.",
            )
            .with_mime_type("application/json");
        Ok(ListResourceTemplatesResult::with_all_items(vec![record])
            .with_ttl_ms(LIST_TTL_MS)
            .with_cache_scope(CacheScope::Private))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let Some((object, id)) = request
            .uri
            .strip_prefix("salesforce://")
            .and_then(|rest| rest.split_once('/'))
            .filter(|(o, i)| !o.is_empty() && !i.is_empty() && !i.contains('/'))
        else {
            return Err(McpError::invalid_params(
                format!(
                    "{:?} is not a Salesforce record address: use salesforce://{{object}}/{{id}}.",
                    request.uri
                ),
                None,
            ));
        };
        let (token, caller) = caller_of(&ctx)?;
        let answer = self
            .state
            .services
            .tools
            .call(
                &token.actor,
                &caller,
                "get_record",
                json!({ "object": object, "id": id }),
            )
            .await;
        match answer {
            Ok(value) => {
                let mut contents = ResourceContents::text(value.to_string(), request.uri.clone());
                if let ResourceContents::TextResourceContents { mime_type, .. } = &mut contents {
                    *mime_type = Some("application/json".into());
                }
                Ok(ReadResourceResult::new(vec![contents])
                    .with_cache_scope(CacheScope::Private)
                    .into())
            }
            Err(err) => {
                let (detail, problem) = failure_text(err, &token.actor.org.slug);
                Err(match problem["status"].as_u64() {
                    Some(404) => {
                        McpError::resource_not_found(detail, Some(json!({ "uri": request.uri })))
                    }
                    Some(400..500) => McpError::invalid_request(detail, Some(problem)),
                    _ => McpError::internal_error(detail, Some(problem)),
                })
            }
        }
    }
}
