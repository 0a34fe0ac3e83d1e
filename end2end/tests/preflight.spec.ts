import { expect, test } from "@playwright/test";
import { expectAccessible, saveSettings, signIn, signOut, useSofiesDefaultApp } from "./session";

test("an org admin checks the organization's app and sees every check green", async ({ page }) => {
  await useSofiesDefaultApp(page);
  await signIn(page, "admin@acme.example");
  await page.goto("/o/acme/settings/integrations/salesforce");
  await page.getByRole("link", { name: "Check this app" }).click();
  await expect(page.getByRole("heading", { name: "Check this app" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("No check failed.");
  await expect(page.locator("ol.test-steps li.red")).toHaveCount(0);
  await expect(page.locator("ol.test-steps")).toContainText("Salesforce accepts the Client Secret.");
  await expectAccessible(page);
  await signOut(page);
});

// The staging origin (the MCP journey's proxy, a second public origin) was never registered on
// this app: its callback alone is red, and the production origin's is green.
test("an org admin sees redirect_uri_mismatch for the staging origin only", async ({ page }) => {
  await useSofiesDefaultApp(page);
  await signIn(page, "admin@acme.example");
  await page.goto("/o/acme/settings/integrations/salesforce/check");
  const host = (await page.locator("ol.test-steps").innerText()).match(
    /(http:\/\/127\.0\.0\.1:\d+) answers as a Salesforce login host/,
  )?.[1];
  expect(host, "the simulator's login host").toBeTruthy();
  const production = `${process.env.SOFIE_E2E_URL}/api/integrations/callback/salesforce`;
  const staging = `http://127.0.0.1:${process.env.SOFIE_E2E_MCP_PROXY_PORT}/api/integrations/callback/salesforce`;
  const registered = await page.request.post(`${host}/__sim/apps`, {
    data: {
      name: "Production only",
      client_id: "e2e-production-only",
      client_secret: "e2e-production-only-secret",
      callback_urls: [production],
    },
  });
  expect(registered.status()).toBe(201);

  await page.goto("/o/acme/settings/integrations/salesforce");
  await page.getByLabel("Enable Salesforce for this organization").check();
  await page.getByLabel("Our organization's own Salesforce app").check();
  await page.getByLabel("Client ID (Consumer Key)").fill("e2e-production-only");
  await page.getByLabel("Client Secret (Consumer Secret, optional)").fill("e2e-production-only-secret");
  await page.getByLabel("Auth Base URL").fill(host!);
  await saveSettings(page);

  await page.getByRole("link", { name: "Check this app" }).click();
  await expect(page.getByRole("status")).toHaveText("1 check(s) failed; each says what to change.");
  const red = page.locator("ol.test-steps li.red");
  await expect(red).toHaveCount(1);
  await expect(red).toContainText(`Client ID and callback ${staging}`);
  await expect(red).toContainText("redirect_uri_mismatch");
  await expect(red).toContainText("Add separate callback URLs for staging, production");
  await expect(page.locator("ol.test-steps li.green", { hasText: `Client ID and callback ${production}` })).toHaveCount(1);
  await expectAccessible(page);
  await signOut(page);
});
