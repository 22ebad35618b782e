import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real git, real bubblewrap and child processes: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: forked workers keep child-process tests isolated without oversubscribing.
    pool: "forks",
  },
});
