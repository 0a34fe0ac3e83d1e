//! Each tool's definition: its description for a model, input and output JSON Schemas
//! (draft 2020-12, no extra properties), the scope it needs, and its annotations.

use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::tokens::Scope;

#[derive(Clone, Debug)]
pub struct ToolDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: String,
    pub scope: Scope,
    pub input_schema: Value,
    pub output_schema: Value,
    /// MCP annotations: `readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`.
    pub annotations: Value,
}

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "$schema": DIALECT,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn read_annotations(title: &str) -> Value {
    json!({
        "title": title,
        "readOnlyHint": true,
        "destructiveHint": false,
        "idempotentHint": true,
        "openWorldHint": true,
    })
}

fn budget() -> Value {
    json!({
        "type": "integer", "minimum": 1024, "maximum": super::reads::MAX_BUDGET,
        "description": "Most bytes of JSON this result may take (default 16384). A longer result is cut and says how to get the rest."
    })
}

/// What `query` and `get_related_records` answer.
fn rows() -> Value {
    json!({
        "soql": { "type": "string", "description": "The statement as sent, with LIMIT added or lowered." },
        "limit_note": { "type": ["string", "null"] },
        "total_size": { "type": "integer" },
        "records": { "type": "array", "items": { "type": "object" } },
        "returned_so_far": { "type": "integer" },
        "remaining_in_batch": { "type": "integer" },
        "cursor": { "type": ["string", "null"], "description": "Pass it back as cursor to get the next records." },
    })
}

fn read(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    input: Value,
    output: Value,
) -> ToolDef {
    ToolDef {
        name,
        title,
        description: description.into(),
        scope: Scope::Read,
        input_schema: input,
        output_schema: output,
        annotations: read_annotations(title),
    }
}

static TOOLS: LazyLock<Vec<ToolDef>> = LazyLock::new(|| {
    let any_object = json!({ "type": "object" });
    vec![
        read(
            "list_objects",
            "List Salesforce objects",
            "Lists the Salesforce objects the person's own Salesforce user can see, with what they may do with each (query, search, create, update, delete). Filter by a part of the API name or label. Use it to find the API name (e.g. Account, Invoice__c) before describe_object or query.",
            object(
                json!({
                    "filter": { "type": "string", "maxLength": 80, "description": "Part of an API name or label, any case." },
                    "budget_bytes": budget(),
                }),
                &[],
            ),
            object(
                json!({
                    "objects": { "type": "array", "items": any_object.clone() },
                    "total": { "type": "integer" },
                    "truncated": { "type": "boolean" },
                }),
                &["objects", "total", "truncated"],
            ),
        ),
        read(
            "describe_object",
            "Describe a Salesforce object",
            "Describes one object as the person's Salesforce user sees it: each field's API name, label, type, whether it is required on create and writable by this user, picklist values, and relationships. Compact by default; detail \"full\" adds lengths, defaults, child relationships and record types. An unknown name answers with close matches.",
            object(
                json!({
                    "object": { "type": "string", "minLength": 1, "maxLength": 80, "description": "API name, e.g. Account or Invoice__c." },
                    "detail": { "enum": ["compact", "full"], "default": "compact" },
                    "budget_bytes": budget(),
                }),
                &["object"],
            ),
            object(
                json!({
                    "object": { "type": "string" },
                    "label": { "type": "string" },
                    "label_plural": { "type": "string" },
                    "actions": { "type": "array", "items": { "type": "string" } },
                    "fields": { "type": "array", "items": any_object.clone() },
                    "children": { "type": "array", "items": any_object.clone() },
                    "record_types": { "type": "array", "items": any_object.clone() },
                    "truncated": { "type": "boolean" },
                }),
                &["object", "label", "fields", "truncated"],
            ),
        ),
        read(
            "search",
            "Search Salesforce",
            "Full-text search (SOSL) across objects for a term of at least two characters. The term is escaped, never interpreted as SOSL. Give objects to narrow it and fields to return with each hit. Answers each hit's object, id and name.",
            object(
                json!({
                    "term": { "type": "string", "minLength": 2, "maxLength": 200 },
                    "objects": { "type": "array", "items": { "type": "string" }, "maxItems": 10 },
                    "fields": { "type": "array", "items": { "type": "string" }, "maxItems": 20 },
                    "limit": { "type": "integer", "minimum": 1, "maximum": 200, "default": 25 },
                    "budget_bytes": budget(),
                }),
                &["term"],
            ),
            object(
                json!({
                    "term": { "type": "string" },
                    "hits": { "type": "array", "items": any_object.clone() },
                    "truncated": { "type": "boolean" },
                }),
                &["term", "hits", "truncated"],
            ),
        ),
        read(
            "query",
            "Run a read-only SOQL query",
            "Runs one read-only SOQL SELECT as the person's Salesforce user. Anything else (DML, FOR UPDATE, several statements) is refused before it is sent, with the position of the problem. A LIMIT is added or lowered to the configured maximum, and the result says so. When rows remain, pass the result's cursor back to get the next ones.",
            object(
                json!({
                    "soql": { "type": "string", "minLength": 1, "maxLength": 20000 },
                    "cursor": { "type": "string", "description": "The cursor of an earlier result of this tool, to continue it." },
                    "budget_bytes": budget(),
                }),
                &[],
            ),
            object(rows(), &["soql", "total_size", "records", "cursor"]),
        ),
        read(
            "get_record",
            "Read a Salesforce record",
            "Reads one record by object and 15- or 18-character id, with only the fields the person's Salesforce user may see. Choose fields to get just those. Answers the record's name, its fields and a link into Salesforce.",
            object(
                json!({
                    "object": { "type": "string", "minLength": 1, "maxLength": 80 },
                    "id": { "type": "string", "minLength": 15, "maxLength": 18 },
                    "fields": { "type": "array", "items": { "type": "string" }, "maxItems": 100 },
                    "budget_bytes": budget(),
                }),
                &["object", "id"],
            ),
            object(
                json!({
                    "object": { "type": "string" },
                    "id": { "type": "string" },
                    "name": { "type": "string" },
                    "fields": any_object.clone(),
                    "salesforce_url": { "type": "string" },
                    "truncated": { "type": "boolean" },
                }),
                &[
                    "object",
                    "id",
                    "name",
                    "fields",
                    "salesforce_url",
                    "truncated",
                ],
            ),
        ),
        read(
            "get_related_records",
            "Read a record's related records",
            "Reads the children of one record through a child relationship, e.g. an Account's Cases (relationship \"Cases\") or Contacts, as the person's Salesforce user sees them. filter is an optional SOQL condition on the children (e.g. IsClosed = false), checked like any read-only query. Answers like query, with a cursor when more remain. An unknown relationship answers with the object's relationship names.",
            object(
                json!({
                    "object": { "type": "string", "minLength": 1, "maxLength": 80 },
                    "id": { "type": "string", "minLength": 15, "maxLength": 18 },
                    "relationship": { "type": "string", "minLength": 1, "maxLength": 80 },
                    "fields": { "type": "array", "items": { "type": "string" }, "maxItems": 50 },
                    "filter": { "type": "string", "maxLength": 2000 },
                    "budget_bytes": budget(),
                }),
                &["object", "id", "relationship"],
            ),
            object(rows(), &["soql", "total_size", "records", "cursor"]),
        ),
        read(
            "api_usage",
            "Salesforce API usage",
            "How many API requests the person's Salesforce organization has used in the rolling 24 hours and how many it may make, as Salesforce last reported it. Check it before a long series of calls.",
            object(json!({}), &[]),
            object(
                json!({
                    "known": { "type": "boolean" },
                    "used": { "type": ["integer", "null"] },
                    "allowed": { "type": ["integer", "null"] },
                    "seen_at": { "type": ["string", "null"] },
                }),
                &["known"],
            ),
        ),
    ]
});

fn proposal_output() -> Value {
    object(
        json!({
            "id": { "type": "integer" },
            "status": { "enum": ["pending_approval", "executing", "executed", "failed", "unknown", "needs_decision", "rejected", "expired", "cancelled", "superseded"] },
            "object": { "type": "string" },
            "action": { "enum": ["create", "update", "upsert", "delete"] },
            "record_id": { "type": ["string", "null"] },
            "record_name": { "type": "string" },
            "approval_url": { "type": "string" },
            "expires_at": { "type": "string" },
            "diff": { "type": "array", "items": { "type": "object" } },
            "result_record_id": { "type": ["string", "null"] },
            "message": { "type": "string" },
        }),
        &[
            "id",
            "status",
            "object",
            "action",
            "approval_url",
            "expires_at",
            "diff",
            "message",
        ],
    )
}

fn values() -> Value {
    json!({
        "type": "object",
        "description": "Field API name to value: text, number, true/false, or null to clear. Only fields the person's Salesforce user may write.",
        "additionalProperties": { "type": ["string", "number", "boolean", "null"] },
    })
}

const NOT_APPLIED: &str = " It changes nothing in Salesforce: it answers at once with a proposal id, status pending_approval, the approval page URL, the expiry and the exact diff. Only the person, in Sofie, can approve it; relay the answer's message to them. Calling it again with the same arguments returns the same proposal. A refusal names each field and why (not writable, wrong type, a required field missing), or says that prepared changes are off for this object or action.";

fn propose(
    name: &'static str,
    title: &'static str,
    description: String,
    properties: Value,
    required: &[&str],
) -> ToolDef {
    ToolDef {
        name,
        title,
        description,
        scope: Scope::Propose,
        input_schema: object(properties, required),
        output_schema: proposal_output(),
        annotations: json!({
            "title": title,
            "readOnlyHint": false,
            "destructiveHint": false,
            "idempotentHint": true,
            "openWorldHint": false,
        }),
    }
}

static PROPOSE: LazyLock<Vec<ToolDef>> = LazyLock::new(|| {
    let object_name = json!({ "type": "string", "minLength": 1, "maxLength": 80 });
    let id = json!({ "type": "string", "minLength": 15, "maxLength": 18 });
    vec![
        propose(
            "propose_create",
            "Propose creating a record",
            format!(
                "Prepares a new record of an object for the person to approve.{NOT_APPLIED} For a Case, auto_assign false keeps the assignment rule from running."
            ),
            json!({ "object": object_name, "fields": values(), "auto_assign": { "type": "boolean" } }),
            &["object", "fields"],
        ),
        propose(
            "propose_update",
            "Propose updating a record",
            format!(
                "Prepares changing fields of one record for the person to approve; only the fields whose values differ are proposed.{NOT_APPLIED} If the record changes before approval, it is shown again for a fresh decision."
            ),
            json!({ "object": object_name, "id": id, "fields": values() }),
            &["object", "id", "fields"],
        ),
        propose(
            "propose_upsert",
            "Propose an upsert by external id",
            format!(
                "Prepares an upsert on an external-id field: Salesforce updates the record with that key, or creates it if none has it.{NOT_APPLIED}"
            ),
            json!({
                "object": object_name,
                "external_id_field": { "type": "string", "minLength": 1, "maxLength": 80 },
                "external_id": { "type": "string", "minLength": 1, "maxLength": 255 },
                "fields": values(),
            }),
            &["object", "external_id_field", "external_id", "fields"],
        ),
        propose(
            "propose_delete",
            "Propose deleting a record",
            format!(
                "Prepares deleting one record for the person to approve; the preview lists related records Salesforce would delete with it or that block it.{NOT_APPLIED}"
            ),
            json!({ "object": object_name, "id": id }),
            &["object", "id"],
        ),
        read(
            "get_proposal",
            "Get a proposal",
            "The state of a proposal this person's tools made (pending_approval, executed, failed, rejected, expired, …), its diff, and once executed the record's id. Use it to tell the person whether their approved change ran.",
            object(
                json!({ "id": { "type": "integer", "minimum": 1 } }),
                &["id"],
            ),
            proposal_output(),
        ),
    ]
});

static ALL: LazyLock<Vec<ToolDef>> =
    LazyLock::new(|| TOOLS.iter().chain(PROPOSE.iter()).cloned().collect());

pub fn all() -> &'static [ToolDef] {
    &ALL
}

pub fn find(name: &str) -> Option<&'static ToolDef> {
    ALL.iter().find(|t| t.name == name)
}
