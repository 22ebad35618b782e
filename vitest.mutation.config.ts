import { defineConfig } from "vitest/config";

// The unit tests for Stryker (npm run mutation), less those that are run whole per mutant for
// nothing: the `real` project (real models, minutes per file), the screenshots and dashboard
// (a browser), the benchmarks and the CLI (whole runs in child processes; their timings are
// what they test). What is left covers src/scaffold, src/workspace and src/github directly.
// MUTATION_TESTS (comma-separated globs) narrows the tests to a folder's own, for a run that fits
// in the time at hand; docs/mutation.md says which tests each published score is from.
const only = process.env.MUTATION_TESTS?.split(",").filter((glob) => glob !== "");

export default defineConfig({
  test: {
    include: only?.length ? only : ["test/**/*.test.ts"],
    exclude: ["test/real/**", "test/screenshots/**", "test/dashboard/**", "test/bench/**", "test/cli/**", "node_modules/**"],
    // Real git, real bubblewrap and child processes, as in vitest.config.ts.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
