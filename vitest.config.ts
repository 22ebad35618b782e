import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Real git, real bubblewrap and child processes: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: forked workers keep child-process tests isolated without oversubscribing.
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/real/**"] },
      },
      {
        // Real Ollama and llama-server with real GGUF weights on the CPU (npm run real-models).
        // Skipped, with the reason, when the models are not installed.
        extends: true,
        test: {
          name: "real",
          include: ["test/real/**/*.test.ts"],
          globalSetup: ["test/real/global-setup.ts"],
          // One model server answers one request at a time on 2 cores: files run one after another.
          fileParallelism: false,
          testTimeout: 15 * 60_000,
          hookTimeout: 5 * 60_000,
        },
      },
    ],
  },
});
