import { expect, test } from "@playwright/test";
import { hydrated, password, signIn } from "./session";

test("an org admin sets up the organization's app through step-up", async ({ page }) => {
  await signIn(page, "admin@acme.example");
  await page.goto("/o/acme/settings/integrations");
  await page.getByRole("link", { name: "Salesforce settings" }).click();
  await expect(page.getByRole("heading", { name: "Salesforce", exact: true })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Enable Salesforce for this organization").check();
  await page.getByLabel("Our organization's own Salesforce app").check();
  await page.getByLabel("Client ID (Consumer Key)").fill("3MVG9e2eClientId");
  await page.getByLabel("Client Secret (Consumer Secret, optional)").fill("e2e-secret-value");
  await page.getByLabel("Auth Base URL").fill("https://acme.lightning.force.com/lightning/page/home");
  await page.getByRole("button", { name: "Save", exact: true }).click();

  await expect(page.getByRole("heading", { name: "Confirm your password to save" })).toBeVisible();
  await page.getByLabel("Your Sofie password").fill(password);
  await page.getByRole("button", { name: "Confirm and save" }).click();

  await expect(page.getByRole("status")).toContainText("Saved");
  await expect(page.getByRole("status")).toContainText("My Domain login host https://acme.my.salesforce.com");
  await expect(page.getByText(/A client secret is set \(fingerprint [0-9a-f]{24}\)/)).toBeVisible();
  await expect(page.getByLabel("Client Secret (Consumer Secret, optional)")).toHaveValue("");
  await expect(page.getByLabel("Auth Base URL")).toHaveValue("https://acme.my.salesforce.com");
  const callback = page.getByLabel("Callback URL").first();
  await expect(callback).toHaveValue(/\/api\/integrations\/callback\/salesforce$/);
  expect(await page.content()).not.toContain("e2e-secret-value");
});

test("a group admin sets an override through step-up and then disables it", async ({ page }) => {
  await signIn(page, "lead@acme.example");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByRole("link", { name: "Group settings › Sales" }).click();
  await expect(page.getByText("The override is off")).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Use this group's own Salesforce app (override)").check();
  await page.getByLabel("Client ID (Consumer Key)").fill("3MVG9salesOverride");
  await page.getByLabel("Auth Base URL").fill("https://test.salesforce.com");
  await page.getByRole("button", { name: "Save", exact: true }).click();

  // A first override sends members' sign-ins to another app: the password first.
  await expect(page.getByRole("heading", { name: "Confirm your password to save" })).toBeVisible();
  await page.getByLabel("Your Sofie password").fill(password);
  await page.getByRole("button", { name: "Confirm and save" }).click();
  await expect(page.getByText("The override is on")).toBeVisible();

  await page.getByLabel("Use this group's own Salesforce app (override)").uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("The override is off: members of this group use the organization default.")).toBeVisible();
});
