// @ts-check
// npm run mutation (slow: not part of npm test); docs/mutation.md has the scores per folder and
// the review of the surviving mutants. Two cores are shared, so at most two processes: the
// TypeScript checker and one vitest runner, then two runners once checking is done; vitest runs
// only the tests related to the mutated file, and Stryker only those covering the mutant (perTest).
// MUTATION_REPORT names the report files, so one folder at a time can be run and kept:
//   MUTATION_REPORT=github npm run mutation -- --mutate 'src/github/parse-trigger.ts'
const name = process.env.MUTATION_REPORT ?? "mutation";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 60_000,
  // Re-runs test only the mutants whose code or tests changed since the last run.
  incremental: true,
  incrementalFile: `reports/mutation/${name}-incremental.json`,
  mutate: [
    "src/scaffold/**/*.ts",
    // The sandbox, the path guard and git.
    "src/workspace/sandbox/**/*.ts",
    "src/workspace/git/**/*.ts",
    "src/workspace/normalize-repo-path.ts",
    "src/workspace/create-bwrap-runner.ts",
    "src/workspace/detect-sandbox.ts",
    // Triggers, permissions and redaction.
    "src/github/parse-trigger.ts",
    "src/github/authorize-actor.ts",
    "src/github/redact-secrets.ts",
  ],
  ignorePatterns: ["dist", "data", "coverage", "reports", ".cache", ".stryker-tmp"],
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
export default config;
