import { defineConfig } from "vitest/config";

/** `npm run screenshots`: renders the dashboard in headless Chromium and writes the PNGs under docs/. */
export default defineConfig({
  test: {
    include: ["test/screenshots/*.shot.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
