import { expect, test, type Page } from "@playwright/test";
import { connectSalesforce, signIn, useSofiesDefaultApp } from "./session";

// First visits with an empty cache: what crosses the wire (bytes as sent, after compression)
// and how long until the wasm has taken over the page. The times are printed for the record,
// never asserted (they depend on the machine). The budget holds today's size (about 580 KB of
// brotli wasm) from growing; the goal of 500 KB needs the wasm itself smaller (islands).
const BUDGET = 620 * 1024;

async function visit(page: Page, path: string, { firstVisit }: { firstVisit: boolean }) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  if (firstVisit) await cdp.send("Network.clearBrowserCache");
  const sizes = new Map<string, number>();
  const urls = new Map<string, string>();
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => sizes.set(e.requestId, e.encodedDataLength));
  const wasm = firstVisit ? page.waitForResponse((r) => r.url().endsWith("_bg.wasm")) : null;
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  const toHydrated = await page.evaluate(() => Math.round(performance.now()));
  const wasmHeaders = wasm ? await (await wasm).allHeaders() : {};
  await cdp.detach();
  const files = [...sizes.entries()].map(([id, bytes]) => ({ path: new URL(urls.get(id) ?? "").pathname, bytes }));
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const pkgBytes = files.filter((f) => f.path.startsWith("/pkg/")).reduce((sum, f) => sum + f.bytes, 0);
  const list = files.map((f) => `${f.path} ${f.bytes}`).join("\n  ");
  console.log(`${firstVisit ? "first" : "later"} visit ${path}: ${total} bytes in ${files.length} responses, hydrated at ${toHydrated} ms\n  ${list}`);
  return { total, pkgBytes, wasmHeaders };
}

test("a first visit to the login page downloads under the budget, compressed and cacheable for good", async ({ page }) => {
  const { total, wasmHeaders } = await visit(page, "/login", { firstVisit: true });
  expect(wasmHeaders["content-encoding"]).toBe("br");
  expect(wasmHeaders["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(total).toBeLessThanOrEqual(BUDGET);

  // The next page takes the wasm, its glue and the stylesheet from the cache without asking.
  const later = await visit(page, "/login?again", { firstVisit: false });
  expect(later.pkgBytes).toBe(0);
});

test("a first visit to the workspace's objects page downloads under the budget", async ({ page }) => {
  await useSofiesDefaultApp(page);
  await signIn(page, "admin@acme.example");
  await connectSalesforce(page, "admin@acme.sim", "admin-pass-1");
  const { total } = await visit(page, "/o/acme/salesforce/objects", { firstVisit: true });
  await expect(page.getByRole("heading", { name: "Salesforce objects" })).toBeVisible();
  expect(total).toBeLessThanOrEqual(BUDGET);
});
