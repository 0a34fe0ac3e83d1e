//! Each tool's definition: its description for a model, input and output JSON Schemas
//! (draft 2020-12, no extra properties), the scope it needs, and its annotations.

use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::tokens::Scope;

#[derive(Clone, Debug)]
pub struct ToolDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
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
        description,
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
                    "fields": { "type": "array", "items": any_object.clone() },
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
            object(
                json!({
                    "soql": { "type": "string" },
                    "limit_note": { "type": ["string", "null"] },
                    "total_size": { "type": "integer" },
                    "records": { "type": "array", "items": any_object.clone() },
                    "cursor": { "type": ["string", "null"] },
                }),
                &["soql", "total_size", "records", "cursor"],
            ),
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

pub fn all() -> &'static [ToolDef] {
    &TOOLS
}

pub fn find(name: &str) -> Option<&'static ToolDef> {
    TOOLS.iter().find(|t| t.name == name)
}
