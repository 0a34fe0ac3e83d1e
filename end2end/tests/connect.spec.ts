import { expect, test } from "@playwright/test";
import { signIn, useSofiesDefaultApp } from "./session";

// A person connects their own Salesforce account through the simulator's sign-in and consent
// pages (another origin, as Salesforce is), comes back connected, and disconnects.
test("a person connects Salesforce, sees who they are connected as, and disconnects", async ({ page }, info) => {
  // Each project (with and without JavaScript) uses its own person, so the runs stay apart.
  const person = info.project.name === "no-js" ? "sam@acme.example" : "mia@acme.example";
  await useSofiesDefaultApp(page);
  await signIn(page, person);
  await page.goto("/o/acme/integrations");
  await expect(page.getByText("Not connected")).toBeVisible();
  await page.getByRole("button", { name: "Connect Salesforce" }).click();

  await expect(page.getByRole("heading", { name: "Salesforce simulator" })).toBeVisible();
  await page.locator("#username").fill("standard@acme.sim");
  await page.locator("#password").fill("standard-pass-1");
  await page.locator("#allow").click();

  await expect(page).toHaveURL(/\/o\/acme\/integrations$/);
  await expect(page.getByRole("status")).toHaveText("Connected as standard@acme.sim.");
  await expect(page.getByText("Connected as standard@acme.sim", { exact: true })).toBeVisible();
  await expect(page.locator("dl.details").getByText("api refresh_token offline_access")).toBeVisible();

  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByRole("status")).toContainText("Salesforce answered");

  await page.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByRole("status")).toContainText("Disconnected");
  await expect(page.getByText("Not connected")).toBeVisible();
});
