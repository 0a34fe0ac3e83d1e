import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./session";

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
}

test("an org admin sees organization and group settings, then signs out", async ({ page }) => {
  await signIn(page, "admin@acme.example");
  await page.getByRole("link", { name: "Acme" }).click();
  await expect(page.getByRole("heading", { name: "My Integrations" })).toBeVisible();
  await page.getByRole("link", { name: "Organization Settings › Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Organization Settings › Integrations" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Salesforce integration feature\s+on/ })).toBeVisible();
  await page.getByRole("link", { name: "Group settings › Support" }).click();
  await expect(page.getByRole("heading", { name: "Group settings › Support" })).toBeVisible();
  await signOut(page);
});

test("a group admin sees their group but not organization settings", async ({ page }) => {
  await signIn(page, "lead@acme.example");
  await page.getByRole("link", { name: "Acme" }).click();
  await expect(page.getByRole("link", { name: "Group settings › Sales" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Organization Settings › Integrations" })).toHaveCount(0);
  await page.getByRole("link", { name: "Group settings › Sales" }).click();
  await expect(page.getByRole("heading", { name: "Group settings › Sales" })).toBeVisible();
  await page.goto("/o/acme/settings/integrations");
  await expect(page.getByRole("heading", { name: /403/ })).toBeVisible();
  await page.getByRole("link", { name: "Home" }).click();
  await signOut(page);
});

test("a member sees only My Integrations", async ({ page }) => {
  await signIn(page, "mia@acme.example");
  await page.getByRole("link", { name: "Acme" }).click();
  await expect(page.getByRole("heading", { name: "My Integrations" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(1);
  await signOut(page);
});

test("a wrong password is reported on the sign-in page", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("mia@acme.example");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("the email or password is not correct");
  await expect(page.getByLabel("Password")).toBeVisible();
});
