import { expect, test } from "@playwright/test";
import { connectSalesforce, expectAccessible, signIn, signOut, useSofiesDefaultApp } from "./session";

test("a person runs the connection test and sees every step pass", async ({ page }) => {
  await useSofiesDefaultApp(page);
  await signIn(page, "lead@acme.example");
  await connectSalesforce(page, "standard@acme.sim", "standard-pass-1");
  await page.getByRole("link", { name: "Test my connection" }).click();
  await expect(page.getByRole("heading", { name: "Test my connection" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Every step passed: Sofie can work with Salesforce as you.");
  await expect(page.locator("ol.test-steps li.passed")).toHaveCount(4);
  await expectAccessible(page);

  await page.getByLabel("Object to test (API name)").fill("Order");
  await page.getByRole("button", { name: "Run the test again" }).click();
  await expect(page.locator("ol.test-steps li.failed")).toContainText("No object named Order is visible to your Salesforce user");
  await page.getByRole("link", { name: "What each error means, and what to do" }).click();
  await expect(page.getByRole("heading", { name: "Salesforce troubleshooting" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Callback URL for the address you opened/ })).toContainText("✓ matches");
  await expect(page.locator("#INVALID_TYPE")).toContainText("Confirm the connected Salesforce user can see the record directly in Salesforce.");
  await expectAccessible(page);
  await signOut(page);
});
