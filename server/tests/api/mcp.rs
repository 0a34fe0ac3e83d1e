//! The MCP server at `/mcp`, spoken as raw JSON-RPC over HTTP so each rule is visible: both
//! protocol eras without sessions, the Host and Origin checks, the header/body check, the bearer
//! token with its RFC 9728 pointer, the tools and the record resource against the simulator.
//! The official TypeScript SDKs drive it as independent clients in `end2end/mcp/`.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use sea_orm::EntityTrait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::sim::*;
use crate::tools::{connected_token, listing, token};

const LEGACY: &str = "2025-11-25";
const MODERN: &str = "2026-07-28";

struct Mcp<'a> {
    w: &'a World,
    token: Option<&'a SecretString>,
    headers: Vec<(&'static str, String)>,
}

impl<'a> Mcp<'a> {
    fn new(w: &'a World, token: &'a SecretString) -> Self {
        Self {
            w,
            token: Some(token),
            headers: vec![],
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    async fn send(&self, body: Value) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = reqwest::Client::new()
            .post(self.w.app.url("/mcp"))
            .header(ACCEPT, "application/json, text/event-stream")
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(t) = self.token {
            request = request.header(AUTHORIZATION, format!("Bearer {}", t.expose_secret()));
        }
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

/// A 2026-07-28 request: the version and capabilities in `_meta`, the method (and name) in
/// headers, as the specification requires.
async fn modern(w: &World, token: &SecretString, method: &str, mut params: Value) -> (u16, Value) {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { "name": "sofie-tests", "version": "1.0" },
    });
    let mut mcp = Mcp::new(w, token)
        .header("mcp-protocol-version", MODERN)
        .header("mcp-method", method);
    if let Some(name) = params
        .get("name")
        .or(params.get("uri"))
        .and_then(Value::as_str)
    {
        mcp = mcp.header("mcp-name", name.to_owned());
    }
    let (status, _, body) = mcp
        .send(json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }))
        .await;
    (status, body)
}

/// A 2025-11-25 request after `initialize`: only the version header.
async fn legacy(w: &World, token: &SecretString, method: &str, params: Value) -> (u16, Value) {
    let (status, _, body) = Mcp::new(w, token)
        .header("mcp-protocol-version", LEGACY)
        .send(json!({ "jsonrpc": "2.0", "id": 2, "method": method, "params": params }))
        .await;
    (status, body)
}

#[tokio::test]
async fn a_legacy_client_initializes_without_a_session_and_lists_the_tools_in_order() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, STANDARD).await;
    let (status, headers, init) = Mcp::new(w, &t)
        .send(json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {
                "protocolVersion": LEGACY,
                "capabilities": {},
                "clientInfo": { "name": "sofie-tests", "version": "1.0" },
            },
        }))
        .await;
    assert_eq!(status, 200, "{init}");
    assert_eq!(init["result"]["protocolVersion"], LEGACY);
    assert_eq!(init["result"]["serverInfo"]["name"], "sofie-salesforce");
    assert!(init["result"]["capabilities"]["tools"].is_object());
    assert!(init["result"]["capabilities"]["resources"].is_object());
    assert!(
        headers.get("mcp-session-id").is_none(),
        "no in-memory session: any server process serves the next request"
    );

    let (status, listed) = legacy(w, &t, "tools/list", json!({})).await;
    assert_eq!(status, 200, "{listed}");
    let api = listing(w, &t).await;
    let names = |v: &Value| -> Vec<String> {
        v["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&listed["result"]),
        names(&api),
        "the JSON API's tools, in its order"
    );
    for tool in listed["result"]["tools"].as_array().unwrap() {
        let api_tool = api["tools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == tool["name"])
            .unwrap();
        assert_eq!(tool["inputSchema"], api_tool["inputSchema"]);
        assert_eq!(tool["outputSchema"], api_tool["outputSchema"]);
        assert_eq!(tool["annotations"], api_tool["annotations"]);
    }
}

#[tokio::test]
async fn a_modern_client_discovers_calls_tools_and_reads_a_record_statelessly() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, STANDARD).await;

    let (status, discovered) = modern(w, &t, "server/discover", json!({})).await;
    assert_eq!(status, 200, "{discovered}");
    let versions = discovered["result"]["supportedVersions"].to_string();
    assert!(
        versions.contains(MODERN) && versions.contains(LEGACY),
        "{versions}"
    );

    let (status, listed) = modern(w, &t, "tools/list", json!({})).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["result"]["cacheScope"], "private");
    assert!(listed["result"]["ttlMs"].as_u64().unwrap() > 0);
    assert_eq!(listed["result"]["resultType"], "complete");

    let (status, rows) = modern(
        w,
        &t,
        "tools/call",
        json!({ "name": "query", "arguments": { "soql": "SELECT Id, Name FROM Account LIMIT 2" } }),
    )
    .await;
    assert_eq!(status, 200, "{rows}");
    let result = &rows["result"];
    assert_eq!(result["isError"], false, "{result}");
    let records = result["structuredContent"]["records"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(
        text, result["structuredContent"],
        "the text is the same answer"
    );
    let id = records[0]["Id"].as_str().unwrap().to_owned();

    // The same record as a resource; a field hidden by FLS is in no answer.
    let (status, templates) = modern(w, &t, "resources/templates/list", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        templates["result"]["resourceTemplates"][0]["uriTemplate"],
        "salesforce://{object}/{id}"
    );
    let uri = format!("salesforce://Account/{id}");
    let (status, read) = modern(w, &t, "resources/read", json!({ "uri": uri })).await;
    assert_eq!(status, 200, "{read}");
    let contents = &read["result"]["contents"][0];
    assert_eq!(contents["uri"], uri);
    assert_eq!(contents["mimeType"], "application/json");
    let record: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
    assert_eq!(record["id"], id);
    let (_, full) = modern(
        w,
        &t,
        "tools/call",
        json!({ "name": "get_record", "arguments": { "object": "Account", "id": id, "fields": ["Name", "AnnualRevenue"] } }),
    )
    .await;
    assert!(
        !read.to_string().contains("AnnualRevenue")
            && !full.to_string().contains("\"AnnualRevenue\":"),
        "{full}"
    );

    // A business failure is a tool result with isError, its sentence for the model.
    let (status, refused) = modern(
        w,
        &t,
        "tools/call",
        json!({ "name": "query", "arguments": { "soql": "DELETE FROM Account" } }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(refused["result"]["isError"], true);
    assert!(
        refused["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("read-only SOQL")
    );
    // A bad argument too, so the model can correct it.
    let (_, bad) = modern(
        w,
        &t,
        "tools/call",
        json!({ "name": "get_record", "arguments": { "object": "Account" } }),
    )
    .await;
    assert_eq!(bad["result"]["isError"], true, "{bad}");
    // An unknown tool is a protocol error.
    let (_, unknown) = modern(
        w,
        &t,
        "tools/call",
        json!({ "name": "approve", "arguments": {} }),
    )
    .await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");

    // Each call is audited as coming through MCP, with the client's name.
    let audited = domain::entities::audit_event::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "salesforce_tool_called")
        .map(|e| e.details)
        .collect::<Vec<_>>();
    assert!(
        audited
            .iter()
            .any(|d| d.contains("\"via\":\"mcp\"") && d.contains("sofie-tests 1.0")),
        "{audited:?}"
    );
    assert!(audited.iter().all(|d| !d.contains(t.expose_secret())));
}

#[tokio::test]
async fn headers_that_disagree_with_the_body_are_refused_with_32020() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, STANDARD).await;
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let (status, _, body) = Mcp::new(w, &t)
        .header("mcp-protocol-version", MODERN)
        .header("mcp-method", "tools/list")
        .send(json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "query", "arguments": {}, "_meta": meta } }))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], -32020);

    let (status, _, body) = Mcp::new(w, &t)
        .header("mcp-protocol-version", MODERN)
        .header("mcp-method", "tools/call")
        .header("mcp-name", "get_record")
        .send(json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "query", "arguments": {}, "_meta": meta } }))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], -32020, "Mcp-Name names another tool");
}

#[tokio::test]
async fn origin_host_and_token_are_checked_before_anything_runs() {
    let w = world().await;
    let (_, t) = token(&w, "mia@acme.example", &["salesforce:read"], 30).await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });

    let (status, _, _) = Mcp::new(&w, &t)
        .header("origin", "https://evil.example")
        .send(ping.clone())
        .await;
    assert_eq!(status, 403, "a present, unlisted Origin");
    let (status, _, _) = Mcp::new(&w, &t)
        .header("host", "evil.example")
        .send(ping.clone())
        .await;
    assert_eq!(
        status, 403,
        "a Host that is none of Sofie's (DNS rebinding)"
    );
    let (status, _, body) = Mcp::new(&w, &t)
        .header("origin", w.app.address.clone())
        .header("mcp-protocol-version", LEGACY)
        .send(ping.clone())
        .await;
    assert_eq!(status, 200, "Sofie's own origin: {body}");

    for token in [None, Some(SecretString::from("sofie_pat_not-a-token"))] {
        let mcp = Mcp {
            w: &w,
            token: token.as_ref(),
            headers: vec![],
        };
        let (status, headers, _) = mcp.send(ping.clone()).await;
        assert_eq!(status, 401);
        let challenge = headers[WWW_AUTHENTICATE].to_str().unwrap();
        let metadata = format!("{}/.well-known/oauth-protected-resource/mcp", w.app.address);
        assert!(
            challenge.starts_with("Bearer ")
                && challenge.contains(&format!("resource_metadata=\"{metadata}\"")),
            "{challenge}"
        );
        let document: Value = reqwest::get(&metadata).await.unwrap().json().await.unwrap();
        assert_eq!(document["resource"], format!("{}/mcp", w.app.address));
        assert_eq!(document["bearer_methods_supported"], json!(["header"]));
        assert_eq!(
            document["scopes_supported"],
            json!(["salesforce:read", "salesforce:propose"])
        );
    }

    let logs = captured_logs();
    assert!(
        !logs.contains(t.expose_secret()) && !logs.contains("not-a-token"),
        "tokens are never logged"
    );

    // A read-only token calling a propose tool: a tool error naming the missing scope.
    let (status, body) = modern(&w, &t, "tools/call", json!({ "name": "propose_delete", "arguments": { "object": "Account", "id": "001000000000001AAA" } })).await;
    assert_eq!(status, 200);
    assert_eq!(body["result"]["isError"], true);
    assert!(
        body["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("salesforce:propose")
    );
}

#[tokio::test]
async fn an_admin_salesforce_user_sees_through_mcp_the_field_a_standard_user_cannot() {
    let sw = sf_world().await;
    let w = &sw.w;
    let t = connected_token(&sw, ADMIN).await;
    let (_, rows) = modern(
        w,
        &t,
        "tools/call",
        json!({ "name": "query", "arguments": { "soql": "SELECT Id FROM Account LIMIT 1" } }),
    )
    .await;
    let id = rows["result"]["structuredContent"]["records"][0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, record) = modern(
        w,
        &t,
        "tools/call",
        json!({ "name": "get_record", "arguments": { "object": "Account", "id": id, "fields": ["Name", "AnnualRevenue"] } }),
    )
    .await;
    assert!(
        record["result"]["structuredContent"]["fields"]["AnnualRevenue"].is_string(),
        "{record}"
    );
    let uri = format!("salesforce://Account/{id}");
    let (_, read) = modern(w, &t, "resources/read", json!({ "uri": uri })).await;
    assert!(
        read["result"]["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("AnnualRevenue"),
        "{read}"
    );
}
