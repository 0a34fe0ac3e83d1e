import { expect, test } from "@playwright/test";

// Hydration works: a broken wasm still renders on the server, so only a browser with JavaScript
// can tell. Once hydrated, the sign-in form submits through the server-function client and shows
// its error without a full-page navigation (no `__err` in the URL).
test("the page hydrates and forms run in place", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The refused sign-in itself is a 400 the browser logs; anything else logged as an error is not.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("status of 400")) errors.push(m.text());
  });
  await page.goto("/login");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Email").fill("mia@acme.example");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("the email or password is not correct");
  expect(page.url()).not.toContain("__err");
  expect(errors).toEqual([]);
});
