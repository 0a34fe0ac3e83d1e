// jsforce, unmodified, against the simulator: its own OAuth2 web server flow (PKCE), describes,
// SOQL with queryMore and autoFetch past one 2000-row batch, SOSL, record and sObject
// Collections writes, Composite, limits, its error type, and its automatic token refresh.
//
// Needs SIM_LOGIN_URL (the simulator's production login host) and, with HTTPS,
// NODE_EXTRA_CA_CERTS naming its certificate; `run.sh` sets both. The simulator must seed 700
// accounts (2100 contacts): `sim-config.json`.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import jsforce from "jsforce";

const login = process.env.SIM_LOGIN_URL;
assert.ok(login, "SIM_LOGIN_URL names the simulator's login host");
const CONTACTS = 2100;

// The simulator's seeded confidential app and administrator (salesforce-sim/README.md).
const app = {
  loginUrl: login,
  clientId: "sofie-sim-client",
  clientSecret: "sofie-sim-secret",
  redirectUri: "http://localhost:3000/api/integrations/callback/salesforce",
  useVerifier: true,
};
const admin = { username: "admin@acme.sim", password: "admin-pass-1" };

async function control(path) {
  const answer = await fetch(`${login}/__sim/${path}`, { method: "POST" });
  assert.equal(answer.status, 200, `${path}: ${await answer.text()}`);
}

// What a person does in the browser: open jsforce's authorization URL, sign in and allow. The
// simulator's page is a plain form, so posting its fields is the same request a browser sends.
async function approve(authorizationUrl) {
  const url = new URL(authorizationUrl);
  assert.equal((await fetch(url)).status, 200, "the sign-in page");
  const form = new URLSearchParams(url.searchParams);
  form.set("username", admin.username);
  form.set("password", admin.password);
  form.set("approve", "true");
  const answer = await fetch(new URL(url.pathname, url), { method: "POST", body: form, redirect: "manual" });
  assert.equal(answer.status, 302, await answer.text());
  const callback = new URL(answer.headers.get("location"));
  assert.equal(callback.searchParams.get("state"), "jsforce-compat");
  return callback.searchParams.get("code");
}

describe("jsforce", () => {
  let conn;

  before(async () => {
    await control("reset");
    conn = new jsforce.Connection({ oauth2: app });
    const code = await approve(conn.oauth2.getAuthorizationUrl({ scope: "api refresh_token", state: "jsforce-compat" }));
    const user = await conn.authorize(code);
    assert.equal(user.id, "0055i0000000001AAA");
    assert.equal(user.organizationId, "00D5i0000000001EAA");
    assert.ok(conn.refreshToken, "a refresh token for the refresh scope");
    assert.match(conn.instanceUrl, /^https?:\/\/127\.0\.0\.1:\d+$/);
  });

  test("describeGlobal and describe Account", async () => {
    const global = await conn.describeGlobal();
    const names = global.sobjects.map((o) => o.name);
    for (const name of ["Account", "Contact", "Opportunity", "Quality_Issue__c"]) {
      assert.ok(names.includes(name), name);
    }
    const account = await conn.sobject("Account").describe();
    assert.equal(account.name, "Account");
    const external = account.fields.find((f) => f.name === "External_Id__c");
    assert.equal(external?.externalId, true);
  });

  test("query, then queryMore with the next records URL", async () => {
    const first = await conn.query("SELECT Id, LastName FROM Contact");
    assert.equal(first.totalSize, CONTACTS);
    assert.equal(first.records.length, 2000);
    assert.equal(first.done, false);
    const rest = await conn.queryMore(first.nextRecordsUrl);
    assert.equal(rest.records.length, CONTACTS - 2000);
    assert.equal(rest.done, true);
    const ids = new Set([...first.records, ...rest.records].map((r) => r.Id));
    assert.equal(ids.size, CONTACTS, "no record twice");
  });

  test("autoFetch follows every batch", async () => {
    const records = [];
    await new Promise((resolve, reject) => {
      conn
        .query("SELECT Id FROM Contact")
        .on("record", (r) => records.push(r))
        .on("end", resolve)
        .on("error", reject)
        .run({ autoFetch: true, maxFetch: 5000 });
    });
    assert.equal(records.length, CONTACTS);
    const found = await conn.sobject("Contact").find({}, ["Id"]).execute({ autoFetch: true, maxFetch: 5000 });
    assert.equal(found.length, CONTACTS);
  });

  test("SOSL search", async () => {
    const result = await conn.search("FIND {Globex} IN NAME FIELDS RETURNING Account(Id, Name)");
    assert.ok(result.searchRecords.length > 0);
    for (const record of result.searchRecords) {
      assert.equal(record.attributes.type, "Account");
      assert.match(record.Name, /Globex/);
    }
  });

  test("create, retrieve, update, upsert and delete one record", async () => {
    const accounts = conn.sobject("Account");
    const made = await accounts.create({ Name: "jsforce single" });
    assert.equal(made.success, true);
    await accounts.update({ Id: made.id, Phone: "+1 555 0101" });
    const read = await accounts.retrieve(made.id);
    assert.deepEqual([read.Name, read.Phone], ["jsforce single", "+1 555 0101"]);
    const inserted = await accounts.upsert({ Name: "jsforce upsert", External_Id__c: "JSF-1" }, "External_Id__c");
    assert.deepEqual([inserted.success, inserted.created], [true, true]);
    const updated = await accounts.upsert({ Name: "jsforce upserted", External_Id__c: "JSF-1" }, "External_Id__c");
    assert.deepEqual([updated.id, updated.created], [inserted.id, false]);
    assert.equal((await accounts.destroy(made.id)).success, true);
    await assert.rejects(accounts.retrieve(made.id), { name: "NOT_FOUND", errorCode: "NOT_FOUND" });
  });

  test("sObject Collections: create, retrieve, update, upsert and delete many", async () => {
    const accounts = conn.sobject("Account");
    const made = await accounts.create([{ Name: "jsforce many 1" }, { Name: "jsforce many 2" }]);
    assert.ok(made.every((r) => r.success), JSON.stringify(made));
    const ids = made.map((r) => r.id);
    const read = await accounts.retrieve(ids, { fields: ["Name"] });
    assert.deepEqual(read.map((r) => r.Name), ["jsforce many 1", "jsforce many 2"]);
    const changed = await accounts.update(ids.map((Id) => ({ Id, Phone: "+1 555 0102" })));
    assert.ok(changed.every((r) => r.success), JSON.stringify(changed));
    const upserted = await accounts.upsert(
      [
        { Name: "jsforce bulk upsert", External_Id__c: "JSF-2" },
        { Name: "jsforce bulk upsert", External_Id__c: "JSF-3" },
      ],
      "External_Id__c",
    );
    assert.deepEqual(upserted.map((r) => r.created), [true, true]);
    const gone = await accounts.destroy(ids);
    assert.ok(gone.every((r) => r.success), JSON.stringify(gone));
    const failed = await conn.sobject("Contact").create([{ LastName: "Kept" }, { FirstName: "No last name" }], { allOrNone: true });
    assert.deepEqual(
      failed.map((r) => r.errors[0]?.statusCode),
      ["ALL_OR_NONE_OPERATION_ROLLED_BACK", "REQUIRED_FIELD_MISSING"],
    );
  });

  test("Composite through jsforce's REST request (it has no Composite helper)", async () => {
    const base = `/services/data/v${conn.version}`;
    const answer = await conn.requestPost(`${base}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: "POST", url: `${base}/sobjects/Account`, referenceId: "made", body: { Name: "jsforce composite" } },
        { method: "GET", url: `${base}/sobjects/Account/@{made.id}?fields=Name`, referenceId: "read" },
      ],
    });
    assert.deepEqual(answer.compositeResponse.map((r) => r.httpStatusCode), [201, 200]);
    assert.equal(answer.compositeResponse[1].body.Name, "jsforce composite");
  });

  test("limits, and the usage header jsforce reads", async () => {
    const limits = await conn.limits();
    assert.equal(limits.DailyApiRequests.Max, 15000);
    assert.ok(limits.DailyApiRequests.Remaining < 15000);
    assert.equal(conn.limitInfo.apiUsage.limit, 15000);
    assert.ok(conn.limitInfo.apiUsage.used > 0);
  });

  test("a bad SOQL statement rejects with Salesforce's errorCode", async () => {
    await assert.rejects(conn.query("SELECT Nope FROM Account"), (e) => {
      assert.deepEqual([e.name, e.errorCode], ["INVALID_FIELD", "INVALID_FIELD"]);
      assert.match(e.message, /No such column 'Nope' on entity 'Account'/);
      return true;
    });
    await assert.rejects(conn.query("SELECT Id FROM Account WHERE"), { errorCode: "MALFORMED_QUERY" });
  });

  test("an expired session is refreshed with the refresh token", async () => {
    const before = conn.accessToken;
    let refreshed = 0;
    conn.on("refresh", () => refreshed++);
    await control("tokens/expire");
    const count = await conn.query("SELECT COUNT() FROM Account");
    assert.ok(count.totalSize >= 700);
    assert.equal(refreshed, 1);
    assert.notEqual(conn.accessToken, before);
  });
});
