import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, hydrated, makeToken, signIn, signOut } from "./session";

async function toolsStatus(page: Page, secret: string): Promise<number> {
  const response = await page.request.get("/api/v1/salesforce/tools", {
    headers: { Authorization: `Bearer ${secret}` },
  });
  return response.status();
}

test("a person makes an access token, sees it once, and revokes it", async ({ page }) => {
  const name = `Journey chat ${test.info().project.name} ${Date.now()}`;
  await signIn(page, "mia@acme.example");
  const secret = await makeToken(page, name);
  await expectAccessible(page);
  expect(await toolsStatus(page, secret)).toBe(200);

  await page.goto("/o/acme/integrations");
  await expect(page.getByLabel("New access token")).toHaveCount(0);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(secret.slice(0, 14));
  await expect(row).toContainText("salesforce:propose salesforce:read");

  await hydrated(page);
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("status")).toContainText(`Revoked the token “${name}”`);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("revoked");
  expect(await toolsStatus(page, secret)).toBe(401);
  await signOut(page);
});

test("a refused token form keeps what was typed", async ({ page }) => {
  await signIn(page, "mia@acme.example");
  await page.goto("/o/acme/integrations");
  await hydrated(page);
  await page.getByLabel("Name (the assistant or workflow that will use it)").fill("Nothing to read");
  await page.getByLabel(/salesforce:read/).uncheck();
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#tokens").getByRole("alert")).toContainText("Choose at least one scope");
  await expect(page.getByLabel("Name (the assistant or workflow that will use it)")).toHaveValue("Nothing to read");
  await signOut(page);
});

test("an org admin revokes a member's token", async ({ page }) => {
  const name = `Journey workflow ${test.info().project.name} ${Date.now()}`;
  await signIn(page, "mia@acme.example");
  const secret = await makeToken(page, name);
  await signOut(page);

  await signIn(page, "admin@acme.example");
  await page.goto("/o/acme/settings/integrations/salesforce");
  await hydrated(page);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("mia@acme.example");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("status")).toContainText(`Revoked the token “${name}”`);
  expect(await toolsStatus(page, secret)).toBe(401);
  await signOut(page);
});
