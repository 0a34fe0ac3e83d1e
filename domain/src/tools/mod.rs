//! The tools an assistant calls for a person: one definition each (name, description written
//! for a model, JSON Schemas, annotations), shared by the JSON API and the MCP server. Each tool
//! is a thin layer over a workspace operation, so it answers exactly what the person's own
//! Salesforce user may see. Every call is audited with its tool, object, record ids, outcome and
//! duration, never with field values.

mod context;
mod proposals;
mod reads;
mod related;
pub use reads::DEFAULT_BUDGET;

mod schemas;

use std::sync::Arc;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::access::Actor;
use crate::audit::{self, AuditAction, AuditEvent};
use crate::changes::Changes;
use crate::error::{DomainError, DomainResult};
use crate::tokens::Scope;
use crate::vault::Vault;
use crate::workspace::Workspace;

pub use schemas::ToolDef;

/// The audit name of `POST /api/v1/salesforce/context`, which is not one of the listed tools.
const CONTEXT_BUNDLE: &str = "context_bundle";

/// Who is calling: the person in the web session, or an assistant with one of their tokens
/// (through the JSON API, or through MCP: `mcp_client` is then the client's name and version,
/// or "unnamed" when the request did not carry them).
#[derive(Clone, Debug)]
pub enum Caller {
    Session,
    Token {
        id: i64,
        name: String,
        scopes: Vec<Scope>,
        mcp_client: Option<String>,
    },
}

impl Caller {
    fn allows(&self, scope: Scope) -> bool {
        match self {
            Self::Session => true,
            Self::Token { scopes, .. } => scopes.contains(&scope),
        }
    }

    fn describe(&self) -> Value {
        match self {
            Self::Session => json!({ "via": "session" }),
            Self::Token {
                id,
                name,
                mcp_client: None,
                ..
            } => json!({ "via": "token", "token_id": id, "token": name }),
            Self::Token {
                id,
                name,
                mcp_client: Some(client),
                ..
            } => json!({ "via": "mcp", "token_id": id, "token": name, "client": client }),
        }
    }
}

/// What a tool call touched, for the audit trail.
#[derive(Default)]
pub(crate) struct Touched {
    pub object: Option<String>,
    pub record_ids: Vec<String>,
}

#[derive(Clone)]
pub struct Tools {
    db: sea_orm::DatabaseConnection,
    workspace: Workspace,
    changes: Changes,
    /// Seals result cursors to their caller.
    vault: Arc<Vault>,
    /// Sofie's public origin, for approval links.
    origin: Arc<str>,
}

impl Tools {
    pub fn new(
        db: sea_orm::DatabaseConnection,
        workspace: Workspace,
        changes: Changes,
        vault: Arc<Vault>,
        origin: &str,
    ) -> Self {
        Self {
            db,
            workspace,
            changes,
            vault,
            origin: origin.trim_end_matches('/').into(),
        }
    }

    /// Every tool, in the fixed order `tools/list` shows them.
    /// Sofie's public origin, e.g. `https://sofie.example.com`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn list(&self) -> &'static [ToolDef] {
        schemas::all()
    }

    /// Runs tool `name` with `arguments` for `actor`, and audits the call.
    pub async fn call(
        &self,
        actor: &Actor,
        caller: &Caller,
        name: &str,
        arguments: Value,
    ) -> DomainResult<Value> {
        let def =
            schemas::find(name).ok_or_else(|| DomainError::NotFound(format!("tool {name}")))?;
        if !caller.allows(def.scope) {
            return Err(DomainError::InsufficientScope(def.scope));
        }
        self.audited(actor, caller, def.name, arguments).await
    }

    /// A context bundle of records for a chat or workflow (see `context`); audited as the
    /// `context_bundle` tool, which needs the read scope.
    pub async fn context(
        &self,
        actor: &Actor,
        caller: &Caller,
        arguments: Value,
    ) -> DomainResult<Value> {
        if !caller.allows(Scope::Read) {
            return Err(DomainError::InsufficientScope(Scope::Read));
        }
        self.audited(actor, caller, CONTEXT_BUNDLE, arguments).await
    }

    async fn audited(
        &self,
        actor: &Actor,
        caller: &Caller,
        name: &'static str,
        arguments: Value,
    ) -> DomainResult<Value> {
        let started = Instant::now();
        let mut touched = Touched::default();
        let answer = self.run(actor, caller, name, arguments, &mut touched).await;
        let outcome = match &answer {
            Ok(_) => "ok".to_owned(),
            Err(e) => e.kind().to_owned(),
        };
        audit::record(
            &self.db,
            AuditEvent::new(AuditAction::ToolCalled)
                .org(actor.org.id)
                .actor(Some(actor.user.id))
                .target(name)
                .details(json!({
                    "caller": caller.describe(),
                    "object": touched.object,
                    "record_ids": touched.record_ids,
                    "outcome": outcome,
                    "duration_ms": started.elapsed().as_millis() as u64,
                })),
        )
        .await?;
        answer
    }

    async fn run(
        &self,
        actor: &Actor,
        caller: &Caller,
        name: &str,
        arguments: Value,
        touched: &mut Touched,
    ) -> DomainResult<Value> {
        let w = &self.workspace;
        let review = proposals::Review {
            origin: &self.origin,
        };
        match Call::parse(name, arguments)? {
            Call::Propose(verb, a) => {
                proposals::propose(&self.changes, &review, actor, caller, &verb, a, touched).await
            }
            Call::ListObjects(a) => reads::list_objects(w, actor, a).await,
            Call::DescribeObject(a) => reads::describe_object(w, actor, a, touched).await,
            Call::Search(a) => reads::search(w, actor, a, touched).await,
            Call::Query(a) => reads::query(w, &self.vault, actor, a).await,
            Call::GetRecord(a) => reads::get_record(w, actor, a, touched).await,
            Call::GetRelatedRecords(a) => {
                related::get_related_records(w, &self.vault, actor, a, touched).await
            }
            Call::ApiUsage => reads::api_usage(w, actor).await,
            Call::ContextBundle(a) => context::bundle(w, &self.origin, actor, a, touched).await,
            Call::GetProposal(a) => proposals::get_proposal(&self.changes, &review, actor, a).await,
        }
    }
}

/// A tool call as its tool and arguments of that tool's input type, parsed before anything runs:
/// an unknown tool, or arguments that do not fit, are refused here.
pub enum Call {
    ListObjects(reads::ListObjects),
    DescribeObject(reads::DescribeObject),
    Search(reads::Search),
    Query(reads::Query),
    GetRecord(reads::GetRecord),
    GetRelatedRecords(related::Related),
    ApiUsage,
    ContextBundle(context::ContextRequest),
    GetProposal(proposals::GetProposal),
    /// `propose_{verb}`: the verb is checked with the change it proposes.
    Propose(String, proposals::Propose),
}

impl Call {
    pub fn parse(name: &str, arguments: Value) -> DomainResult<Call> {
        if let Some(verb) = name.strip_prefix("propose_") {
            return Ok(Call::Propose(verb.to_owned(), args(arguments)?));
        }
        Ok(match name {
            "list_objects" => Call::ListObjects(args(arguments)?),
            "describe_object" => Call::DescribeObject(args(arguments)?),
            "search" => Call::Search(args(arguments)?),
            "query" => Call::Query(args(arguments)?),
            "get_record" => Call::GetRecord(args(arguments)?),
            "get_related_records" => Call::GetRelatedRecords(args(arguments)?),
            "api_usage" => Call::ApiUsage,
            CONTEXT_BUNDLE => Call::ContextBundle(args(arguments)?),
            "get_proposal" => Call::GetProposal(args(arguments)?),
            other => return Err(DomainError::NotFound(format!("tool {other}"))),
        })
    }
}

/// The tool's arguments as its input type; a wrong one names what is wrong and where.
fn args<T: DeserializeOwned>(arguments: Value) -> DomainResult<T> {
    let arguments = if arguments.is_null() {
        json!({})
    } else {
        arguments
    };
    serde_json::from_value(arguments).map_err(|e| {
        DomainError::validation(
            "arguments",
            format!("The arguments do not fit this tool's input schema: {e}."),
        )
    })
}
