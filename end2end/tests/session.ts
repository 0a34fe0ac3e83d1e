import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

// The demo organization seeded by `sofie demo`; end2end/run.sh sets the password.
export const password = process.env.SOFIE_DEMO_PASSWORD ?? "";

export async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Your organizations" })).toBeVisible();
}

// Other journeys change Acme's app; journeys that connect need Sofie's default app (the
// simulator's), so an org admin sets it first, confirming their password when the page asks.
export async function useSofiesDefaultApp(page: Page) {
  await signIn(page, "admin@acme.example");
  await page.goto("/o/acme/settings/integrations/salesforce");
  await hydrated(page);
  await page.getByLabel("Enable Salesforce for this organization").check();
  await page.getByLabel("Sofie's default app (configured by the Sofie operator)").check();
  await page.getByLabel("Auth Base URL").fill("");
  await saveSettings(page);
  await signOut(page);
}

// Presses Save on a Salesforce settings form, confirming the password when the page asks.
export async function saveSettings(page: Page) {
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const confirm = page.getByRole("heading", { name: "Confirm your password to save" });
  const saved = page.getByRole("status");
  await expect(confirm.or(saved)).toBeVisible();
  if (await confirm.isVisible()) {
    await page.getByLabel("Your Sofie password").fill(password);
    await page.getByRole("button", { name: "Confirm and save" }).click();
  }
  await expect(page.getByRole("status")).toContainText("Saved");
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

// Connects the signed-in person's Salesforce through the simulator's sign-in page.
export async function connectSalesforce(page: Page, username: string, sfPassword: string) {
  await page.goto("/o/acme/integrations");
  const disconnect = page.getByRole("button", { name: "Disconnect" });
  if (await disconnect.isVisible()) {
    await disconnect.click();
    await expect(page.getByText("Not connected")).toBeVisible();
  }
  await page.getByRole("button", { name: "Connect Salesforce" }).click();
  await expect(page.getByRole("heading", { name: "Salesforce simulator" })).toBeVisible();
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(sfPassword);
  await page.locator("#allow").click();
  await expect(page).toHaveURL(/\/o\/acme\/integrations$/);
  // "Reconnected" when an earlier journey left this person's connection behind.
  await expect(page.getByRole("status")).toContainText(new RegExp(`(Connected|Reconnected) as ${username}`));
}

// No serious or critical accessibility violation on the page as it is now.
// No serious or critical axe violation, and nothing wider than a 360 px screen (wide tables
// scroll inside their own box). Both run inside the page, so only where JavaScript is on; the
// HTML is the same without it.
export async function expectAccessible(page: Page) {
  if (test.info().project.name === "no-js") return;
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(bad, `axe on ${page.url()}`).toEqual([]);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${page.url()} at 360 px`).toBeLessThanOrEqual(360);
  if (size) await page.setViewportSize(size);
}

// With JavaScript, waits until the page has hydrated: a field filled before then can be
// replaced by hydration (the form's reactive parts re-render), and its value lost.
export async function hydrated(page: Page) {
  if (test.info().project.name === "hydrate") {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  }
}

// Makes a token on My Integrations and reads it from the one-time display.
export async function makeToken(page: Page, name: string): Promise<string> {
  await page.goto("/o/acme/integrations");
  await hydrated(page);
  await page.getByLabel("Name (the assistant or workflow that will use it)").fill(name);
  await page.getByLabel(/salesforce:propose/).check();
  await page.getByLabel("Days until it expires (1 to 90)").fill("7");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText(`Your new token “${name}”`)).toBeVisible();
  const secret = await page.getByLabel("New access token").inputValue();
  expect(secret).toMatch(/^sofie_pat_[A-Za-z0-9_-]{43}$/);
  return secret;
}

