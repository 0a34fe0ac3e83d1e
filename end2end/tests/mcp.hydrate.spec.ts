// Sofie's MCP server driven by independent clients: the official TypeScript SDKs of both
// protocol eras (`@modelcontextprotocol/sdk` speaks 2025-11-25, `@modelcontextprotocol/client`
// pinned to 2026-07-28) and the generic server scenarios of `@modelcontextprotocol/conformance`.
// A person connects Salesforce as the simulator's Standard User and makes a token in the
// browser first; the clients then act with it. (Runs once: nothing here depends on JavaScript.)
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as LegacyTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client, SdkHttpError, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { connectSalesforce, makeToken, signIn, signOut, useSofiesDefaultApp } from "./session";

test.describe.configure({ mode: "serial" });

const base = process.env.SOFIE_E2E_URL ?? "http://127.0.0.1:3000";
const mcpUrl = new URL("/mcp", base);
const TOOLS = [
  "list_objects", "describe_object", "search", "query", "get_record", "get_related_records", "api_usage",
  "propose_create", "propose_update", "propose_upsert", "propose_delete", "get_proposal",
];
let secret = "";

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await useSofiesDefaultApp(page);
  await signIn(page, "mia@acme.example");
  await connectSalesforce(page, "standard@acme.sim", "standard-pass-1");
  secret = await makeToken(page, `MCP journey ${Date.now()}`);
  await signOut(page);
  await page.close();
});

type Result = { content?: unknown[]; structuredContent?: Record<string, unknown>; isError?: boolean };
type Caller = (name: string, args: Record<string, unknown>) => Promise<Result>;

// Every tool, with arguments an assistant would send; each answer must be a success whose
// structured content the SDK has checked against the tool's output schema.
async function callEveryTool(call: Caller) {
  const ok = async (name: string, args: Record<string, unknown>) => {
    const result = await call(name, args);
    expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
    expect(result.structuredContent, name).toBeDefined();
    return result.structuredContent as Record<string, any>;
  };
  const objects = await ok("list_objects", { filter: "acc" });
  expect(objects.objects.map((o: { name: string }) => o.name)).toContain("Account");
  const account = await ok("describe_object", { object: "Account" });
  expect(JSON.stringify(account)).not.toContain("AnnualRevenue");
  const found = await ok("search", { term: "Globex", objects: ["Account"] });
  expect(found.hits.length).toBeGreaterThan(0);
  const rows = await ok("query", { soql: "SELECT Id, Name FROM Account ORDER BY Name LIMIT 3" });
  const id = rows.records[0].Id as string;
  const record = await ok("get_record", { object: "Account", id });
  expect(record.id).toBe(id);
  const contacts = await ok("get_related_records", { object: "Account", id, relationship: "Contacts" });
  const contactId = contacts.records[0].Id as string;
  await ok("api_usage", {});
  const stamp = Date.now();
  const created = await ok("propose_create", { object: "Contact", fields: { LastName: `Journey ${stamp}` } });
  expect(created.status).toBe("pending_approval");
  const updated = await ok("propose_update", { object: "Account", id, fields: { Phone: `+1 555 ${stamp % 10000}` } });
  expect(updated.message).toMatch(/^Not applied yet: approve it at http/);
  await ok("propose_upsert", {
    object: "Quality_Issue__c", external_id_field: "External_Ref__c", external_id: `QI-E2E-${stamp}`,
    fields: { Name: `QI-E2E-${stamp}` },
  });
  await ok("propose_delete", { object: "Contact", id: contactId });
  const proposal = await ok("get_proposal", { id: updated.id });
  expect(proposal.status).toBe("pending_approval");
  return id;
}

test("the 2025-11-25 SDK lists and calls every tool, reads a record, and is refused a foreign Origin", async () => {
  const client = new LegacyClient({ name: "sofie-e2e-legacy", version: "1.0.0" });
  await client.connect(new LegacyTransport(mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${secret}` } } }));
  try {
    expect(client.getServerVersion()?.name).toBe("sofie-salesforce");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    expect(tools.find((t) => t.name === "query")?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === "propose_delete")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });

    const id = await callEveryTool((name, args) => client.callTool({ name, arguments: args }) as Promise<Result>);

    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["salesforce://{object}/{id}"]);
    const read = await client.readResource({ uri: `salesforce://Account/${id}` });
    const contents = read.contents[0] as { mimeType?: string; text: string };
    expect(contents.mimeType).toBe("application/json");
    expect(JSON.parse(contents.text).id).toBe(id);
    expect(contents.text).not.toContain("AnnualRevenue");

    const bad = (await client.callTool({ name: "get_record", arguments: { object: "Account" } })) as Result;
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("arguments");
  } finally {
    await client.close();
  }

  const foreign = new LegacyClient({ name: "sofie-e2e-foreign", version: "1.0.0" });
  const refused = await foreign
    .connect(new LegacyTransport(mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${secret}`, Origin: "https://evil.example" } } }))
    .catch((e) => e);
  expect(refused).toBeInstanceOf(StreamableHTTPError);
  expect((refused as StreamableHTTPError).code).toBe(403);
});

test("the 2026-07-28 SDK discovers the server and calls it statelessly", async () => {
  const client = new Client({ name: "sofie-e2e-modern", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: { token: async () => secret } }));
  try {
    expect(client.getProtocolEra()).toBe("modern");
    expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    const id = await callEveryTool((name, args) => client.callTool({ name, arguments: args }) as Promise<Result>);
    const read = await client.readResource({ uri: `salesforce://Account/${id}` });
    expect(JSON.parse((read.contents[0] as { text: string }).text).id).toBe(id);
    const bad = (await client.callTool({ name: "query", arguments: { soql: "DELETE FROM Account" } })) as Result;
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("read-only SOQL");
  } finally {
    await client.close();
  }

  const foreign = new Client({ name: "sofie-e2e-foreign", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  const refused = await foreign
    .connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: { token: async () => secret }, requestInit: { headers: { Origin: "https://evil.example" } } }))
    .catch((e) => e);
  expect(refused).toBeInstanceOf(SdkHttpError);
  expect(String((refused as SdkHttpError).code)).toContain("FORBIDDEN");

  // Headers that disagree with the body: what no SDK sends, so sent by hand.
  const response = await fetch(mcpUrl, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${secret}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list",
    },
    body: JSON.stringify({
      jsonrpc: "2.0", id: 7, method: "tools/call",
      params: { name: "api_usage", arguments: {}, _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {} } },
    }),
  });
  expect(response.status).toBe(400);
  expect((await response.json()).error.code).toBe(-32020);
});

// The conformance suite cannot send a bearer token, so it talks to a small proxy that adds one.
// The proxy's address is one of the server's public origins (end2end/run.sh sets it), as a TLS
// proxy's would be in production; it forwards Host and Origin as they come.
test("the conformance suite's generic server scenarios pass", async () => {
  test.setTimeout(120_000);
  const port = Number(process.env.SOFIE_E2E_MCP_PROXY_PORT);
  expect(port, "end2end/run.sh sets SOFIE_E2E_MCP_PROXY_PORT").toBeGreaterThan(0);
  const upstream = new URL(base);
  const proxy = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, authorization: `Bearer ${secret}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((done) => proxy.listen(port, "127.0.0.1", done));
  const dir = path.join(__dirname, "..", "mcp-conformance", "node_modules");
  const run = (scenario: string) =>
    new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(path.join(dir, ".bin", "node"), [
        path.join(dir, "@modelcontextprotocol", "conformance", "dist", "index.js"),
        "server", "--url", `http://127.0.0.1:${port}/mcp`, "--scenario", scenario,
      ]);
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("close", (code) => done({ code, output }));
    });
  try {
    for (const scenario of ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"]) {
      const { code, output } = await run(scenario);
      expect(code, `${scenario}:\n${output}`).toBe(0);
      expect(output, scenario).not.toMatch(/FAILURE|WARNING/);
      const passed = output.match(/Passed: (\d+)\/(\d+)/);
      expect(passed, `${scenario} reports its checks`).not.toBeNull();
      expect(Number(passed![1])).toBe(Number(passed![2]));
      console.log(`conformance ${scenario}: ${passed![0]}`);
    }
  } finally {
    proxy.close();
  }
});
