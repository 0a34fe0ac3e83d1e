import { expect, test } from "@playwright/test";
import { connectSalesforce, expectAccessible, signIn, signOut, useSofiesDefaultApp } from "./session";

// The guide's "Preparing create, update, upsert, or delete actions for review": from a record's
// page to an approved update, reviewing the exact diff first. The demo turns prepared changes on.
test("a person prepares an update from a record page, reviews the diff and approves it", async ({ page }, info) => {
  const noJs = info.project.name === "no-js";
  const person = noJs ? "lead@acme.example" : "admin@acme.example";
  const phone = noJs ? "+49 30 1110001" : "+49 30 1110002";
  await useSofiesDefaultApp(page);
  await signIn(page, person);
  await connectSalesforce(page, "admin@acme.sim", "admin-pass-1");

  await page.goto("/o/acme/salesforce/search?q=Globex&objects=Account");
  await page.getByRole("link", { name: "Globex Corp", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Globex Corp" })).toBeVisible();
  const before = (await page.locator("dt", { hasText: "Account Phone" }).locator("xpath=following-sibling::dd[1]").innerText()).trim();

  const prepare = page.getByRole("link", { name: "Prepare update" });
  await prepare.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Prepare update · Account" })).toBeVisible();
  await expectAccessible(page);
  const field = page.getByLabel("Account Phone");
  await expect(field).toHaveValue(before);
  await field.fill(phone);
  await page.getByRole("button", { name: "Prepare this update for review" }).click();

  await expect(page.getByRole("heading", { name: /Update Account “Globex Corp”/ })).toBeVisible();
  await expect(page.getByText("Waiting for your approval")).toBeVisible();
  const row = page.getByRole("row", { name: /Account Phone/ });
  await expect(row.locator("del")).toHaveText(before);
  await expect(row.locator("ins")).toHaveText(phone);
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("link", { name: "Prepared changes 1 waiting for you" })).toBeVisible();
  await expectAccessible(page);

  const approve = page.getByRole("button", { name: "Approve and make this change" });
  await approve.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Done: Salesforce made the change.");
  await expect(page.getByRole("button", { name: /Approve/ })).toHaveCount(0);

  await page.getByRole("link", { name: "Globex Corp" }).first().click();
  await expect(page.getByRole("heading", { name: "Globex Corp" })).toBeVisible();
  await expect(page.locator("dd", { hasText: phone })).toBeVisible();

  await page.goto("/o/acme/salesforce/changes");
  await expect(page.getByRole("heading", { name: "Prepared changes" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Done" }).first()).toBeVisible();
  await expectAccessible(page);
  await signOut(page);
});
