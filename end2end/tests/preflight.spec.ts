import { expect, test } from "@playwright/test";
import { expectAccessible, signIn, signOut, useSofiesDefaultApp } from "./session";

test("an org admin checks the organization's app and sees every check green", async ({ page }) => {
  await useSofiesDefaultApp(page);
  await signIn(page, "admin@acme.example");
  await page.goto("/o/acme/settings/integrations/salesforce");
  await page.getByRole("link", { name: "Check this app" }).click();
  await expect(page.getByRole("heading", { name: "Check this app" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("No check failed.");
  await expect(page.locator("ol.test-steps li.red")).toHaveCount(0);
  await expect(page.locator("ol.test-steps")).toContainText("Salesforce accepts the Client Secret.");
  await expectAccessible(page);
  await signOut(page);
});
