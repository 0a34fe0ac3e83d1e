import { expect, test } from "@playwright/test";
import { expectAccessible, signIn, signOut } from "./session";

test("an org admin reads the audit trail filtered by a person", async ({ page }) => {
  await signIn(page, "mia@acme.example");
  await signOut(page);
  await signIn(page, "admin@acme.example");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByRole("link", { name: "Audit trail" }).click();
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  await page.getByLabel("Person").selectOption({ label: "mia@acme.example" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/person=\d+/);
  const people = page.locator("table.audit tbody tr td:nth-child(2)");
  await expect(people.first()).toHaveText("mia@acme.example");
  expect(await people.allInnerTexts()).toEqual(Array(await people.count()).fill("mia@acme.example"));
  await expect(page.locator("table.audit")).toContainText("authn_login_success");
  await expectAccessible(page);
  await signOut(page);
});

test("a member is refused the audit trail", async ({ page }) => {
  await signIn(page, "mia@acme.example");
  await page.goto("/o/acme/settings/audit");
  await expect(page.getByRole("heading", { name: /403/ })).toBeVisible();
  await page.getByRole("link", { name: "Home" }).click();
  await signOut(page);
});
