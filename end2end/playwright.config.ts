import { defineConfig } from "@playwright/test";

// Debian's Chromium; Playwright never downloads a browser here.
const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: { baseURL: process.env.SOFIE_E2E_URL ?? "http://127.0.0.1:3000" },
  projects: [
    { name: "hydrate", use: { ...chromium, javaScriptEnabled: true } },
    {
      name: "no-js",
      use: { ...chromium, javaScriptEnabled: false },
      testIgnore: /\.hydrate\.spec\.ts/,
    },
  ],
});
