/**
 * Imports may only run down the floors (README, Development):
 *   protocol  <  model  <  scaffold  <  agent  <  pipeline  <  app, cli, bench
 * `task/` and `report/` are pure helpers anyone may use; the simulator (`bench/sim/`) plays a model,
 * so it sees only what a model sees. Run by `npm run lint`.
 */
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "protocol-is-the-floor",
      comment: "The shared vocabulary (tool schemas, history, turn records, messages) imports nothing of ours.",
      severity: "error",
      from: { path: "^src/protocol/" },
      to: { path: "^src/", pathNot: "^src/protocol/" },
    },
    {
      name: "backends-do-not-import-up",
      comment: "Model backends know the vocabulary, never the loop, the layers or the app.",
      severity: "error",
      from: { path: "^src/model/" },
      to: { path: "^src/(agent|scaffold|pipeline|app|cli|bench|github|jobs|config|workspace|report)/|^src/(index|cli)\\.ts$" },
    },
    {
      name: "layers-do-not-import-up",
      comment: "Scaffold layers import the vocabulary and the model interface, never the loop, the pipeline or the app.",
      severity: "error",
      from: { path: "^src/scaffold/" },
      to: { path: "^src/(agent|pipeline|app|cli|bench|github|jobs|config|workspace|report)/|^src/(index|cli)\\.ts$" },
    },
    {
      name: "agent-knows-no-github-or-git",
      comment:
        "The loop and its tools never touch GitHub, the app or git history (the search tool's read-only `git grep` goes through workspace/host-git).",
      severity: "error",
      from: { path: "^src/agent/" },
      to: {
        path: "^src/(pipeline|app|cli|bench|github|jobs|config)/|^src/workspace/git/|^src/(index|cli)\\.ts$|(^|/)node_modules/(@octokit|probot|simple-git)/",
      },
    },
    {
      name: "simulator-sees-what-a-model-sees",
      comment: "sim:<profile> reads the prompt like a model: it imports the vocabulary and the model interface only.",
      severity: "error",
      from: { path: "^src/bench/sim/" },
      to: { path: "^src/", pathNot: "^src/(protocol|model|bench/sim)/" },
    },
    {
      name: "no-circular",
      comment: "A cycle means two modules are one concern, or one of them imports up.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
