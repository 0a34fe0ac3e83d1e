import { expect, test, type Page } from "@playwright/test";
import { password, signIn } from "./session";

// Other journeys change Acme's app; this one needs Sofie's default app (the simulator's), so an
// org admin sets it first, confirming their password when the page asks.
async function useSofiesDefaultApp(page: Page) {
  await signIn(page, "admin@acme.example");
  await page.goto("/o/acme/settings/integrations/salesforce");
  await page.getByLabel("Enable Salesforce for this organization").check();
  await page.getByLabel("Sofie's default app (configured by the Sofie operator)").check();
  await page.getByLabel("Auth Base URL").fill("");
  await page.getByRole("button", { name: "Save" }).click();
  const confirm = page.getByRole("heading", { name: "Confirm your password to save" });
  const saved = page.getByRole("status");
  await expect(confirm.or(saved)).toBeVisible();
  if (await confirm.isVisible()) {
    await page.getByLabel("Your Sofie password").fill(password);
    await page.getByRole("button", { name: "Confirm and save" }).click();
  }
  await expect(page.getByRole("status")).toContainText("Saved");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

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
