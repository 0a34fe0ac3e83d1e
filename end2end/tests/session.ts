import { expect, type Page } from "@playwright/test";

// The demo organization seeded by `sofie demo`; end2end/run.sh sets the password.
export const password = process.env.SOFIE_DEMO_PASSWORD ?? "";

export async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Your organizations" })).toBeVisible();
}
