import { expect, test, type Page } from "@playwright/test";
import { connectSalesforce, expectAccessible, signIn, signOut, useSofiesDefaultApp } from "./session";

// The guide's "Test the connection", steps 2 to 5, in the browser and with the keyboard alone:
// list objects, describe Account, search a known account, read it; then a read-only query.
async function follow(page: Page, name: string) {
  const link = page.getByRole("link", { name, exact: true }).first();
  await link.focus();
  await page.keyboard.press("Enter");
}

test("a connected person lists objects, describes Account, searches, reads a record and queries", async ({ page }, info) => {
  const person = info.project.name === "no-js" ? "lead@acme.example" : "admin@acme.example";
  await useSofiesDefaultApp(page);
  await signIn(page, person);
  await connectSalesforce(page, "admin@acme.sim", "admin-pass-1");
  await expectAccessible(page);

  await follow(page, "Objects");
  await expect(page.getByRole("heading", { name: "Salesforce objects" })).toBeVisible();
  await expectAccessible(page);
  const filter = page.getByLabel("Filter by name or label");
  await filter.focus();
  await page.keyboard.type("quality");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/filter=quality/);
  await expect(page.getByRole("status")).toContainText(/^1 of \d+ objects$/);
  await expect(page.getByRole("cell", { name: "Quality_Issue__c" })).toBeVisible();

  await page.goto("/o/acme/salesforce/objects");
  await follow(page, "Account");
  await expect(page.getByRole("heading", { name: "Object Account" })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: /Account Name\s*Name/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("required").focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/required=on/);
  await expect(page.getByRole("rowheader", { name: /Industry/ })).toHaveCount(0);

  await follow(page, "Search");
  const term = page.getByLabel("Search for");
  await term.focus();
  await page.keyboard.type("Globex");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Account");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("records found");
  await expectAccessible(page);
  await follow(page, "Globex Corp");
  await expect(page.getByRole("heading", { name: "Globex Corp" })).toBeVisible();
  await expect(page.getByText("Annual Revenue")).toBeVisible();
  await expect(page.getByRole("link", { name: "Open in Salesforce" })).toBeVisible();
  await expectAccessible(page);

  await follow(page, "SOQL query");
  const soql = page.getByLabel("SOQL (read-only: one SELECT)");
  await soql.fill("SELECT Id, Name, Industry FROM Account ORDER BY Name");
  await page.getByRole("button", { name: "Run query" }).click();
  await expect(page.getByText("The query had no LIMIT, so Sofie added LIMIT 10000.")).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Industry" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Download these rows as CSV" })).toBeVisible();
  await expectAccessible(page);

  await soql.fill("DELETE FROM Account");
  await page.getByRole("button", { name: "Run query" }).click();
  await expect(page.getByRole("alert")).toContainText("this query was not sent");
  await expect(soql).toHaveValue("DELETE FROM Account");

  await page.goto("/o/acme/integrations");
  await page.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByText("Not connected")).toBeVisible();
  await page.goto("/o/acme/salesforce/objects");
  await expect(page.getByRole("button", { name: "Connect Salesforce" })).toBeVisible();
  await signOut(page);
});

test("the pages that existed before the workspace pass axe and fit 360 px too", async ({ page }) => {
  await page.goto("/login");
  await expectAccessible(page);
  await signIn(page, "admin@acme.example");
  await expectAccessible(page);
  for (const path of ["/o/acme/integrations", "/o/acme/settings/integrations", "/o/acme/settings/integrations/salesforce"]) {
    await page.goto(path);
    await expectAccessible(page);
  }
  await page.getByRole("link", { name: /Group settings › Sales/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessible(page);
});
