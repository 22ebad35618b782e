/**
 * The simulated models of `sim:<profile>`, one per published row. The published numbers come
 * from the field report that DESIGN §1 designs against ("Small local LLMs fail as coding agents",
 * 2026: tables "Tool-call success-rate benchmark" — 50 SWE-bench-lite tasks, Cline 1.4.0, no
 * grammar, no custom scaffolding, temperature 0.3 — and "Context-length cliff"). The `behaviour`
 * parameters are the simulator's: they were tuned so that a `--scaffold none` run of the task suite
 * lands near the published validity, completion rate and median calls (docs/benchmark.md has the
 * calibration table and the command that measures it). How a model reacts to each scaffolding
 * layer follows from the shared rules in `create-sim-backend.ts`; the two rates those rules take
 * from the profile, `fixSpecific` and `loopBreakWarned`, have no published figure: they are
 * assumptions graded by model size, never tuned against the scaffolded results.
 */

export interface PublishedRow {
  /** Model and quantization as the report names them. */
  model: string;
  quantization: string;
  hardware: string;
  /** Share of tool calls that were valid, without grammar or scaffolding. */
  validity: number;
  /** Tasks completed (finished and tests pass) of `tasks`. */
  completed: number;
  tasks: number;
  /** Median tool calls per completed task. */
  medianCalls: number;
  /** Tool-call validity by context fill in tokens, ascending. */
  fill: readonly (readonly [number, number])[];
  /** Where `fill` comes from: the report's table, or derived from a neighbouring row. */
  fillSource: string;
}

export interface SimBehaviour {
  /** Probability that a reply is malformed (invalid args, wrong shape) at ≤ 4k tokens of context. */
  malformed: number;
  /** Added to that probability per agent turn since the tool schemas were last shown, from the 3rd on. */
  driftPerTurn: number;
  /** After a terse one-line error in the history, probability that the next reply is valid. */
  fixTerse: number;
  /** After a specific message (an example call, a refusal saying why), probability of following it. Assumed. */
  fixSpecific: number;
  /** Per-turn hazard of stopping early (prose "I fixed it", an empty reply, an early finish). */
  stop: number;
  /** Per-turn hazard of starting to repeat the previous call. */
  loop: number;
  /** Per-turn probability that a loop ends on its own. */
  loopBreak: number;
  /** Probability that a loop ends after the loop layer's warning. Assumed. */
  loopBreakWarned: number;
  /** Probability that an edit goes to the wrong file (the task's decoy when it has one). */
  wrongFile: number;
  /** Probability of noticing, from failing tests, that an edit landed in the wrong file. */
  notice: number;
  /** Per-turn probability of an exploratory call off the shortest route. */
  detour: number;
}

export interface SimProfile {
  name: string;
  published: PublishedRow;
  behaviour: SimBehaviour;
  /** What the simulated server reports: trained context and the window it runs with. */
  contextLength: number;
  numCtx: number;
}

const GRANITE_Q5_FILL: readonly (readonly [number, number])[] = [
  [4000, 0.91], [8000, 0.9], [16000, 0.88], [24000, 0.85], [32000, 0.81], [48000, 0.68], [64000, 0.51],
];

/** A fill curve with the invalid share of `from` scaled to a row's published validity. */
function scaledFill(from: readonly (readonly [number, number])[], fromValidity: number, validity: number): (readonly [number, number])[] {
  const scale = (1 - validity) / (1 - fromValidity);
  return from.map(([tokens, v]) => [tokens, Math.max(0, Math.round((1 - (1 - v) * scale) * 1000) / 1000)] as const);
}

export const SIM_PROFILES: readonly SimProfile[] = [
  {
    name: "granite-8b-q4",
    published: {
      model: "Granite 4.1 8B", quantization: "Q4_K_M", hardware: "RTX 5070 Ti 16GB",
      validity: 0.847, completed: 28, tasks: 50, medianCalls: 9.2,
      fill: scaledFill(GRANITE_Q5_FILL, 0.892, 0.847),
      fillSource: "derived: the 8B q5 curve with its invalid share scaled to the q4 row",
    },
    behaviour: {
      malformed: 0.047, driftPerTurn: 0.012, fixTerse: 0.28, fixSpecific: 0.8,
      stop: 0.006, loop: 0.008, loopBreak: 0.04, loopBreakWarned: 0.8,
      wrongFile: 0.25, notice: 0.3, detour: 0.5,
    },
    contextLength: 131072, numCtx: 32768,
  },
  {
    name: "granite-8b-q5",
    published: {
      model: "Granite 4.1 8B", quantization: "Q5_K_M", hardware: "RTX 5070 Ti 16GB",
      validity: 0.892, completed: 32, tasks: 50, medianCalls: 8.4,
      fill: GRANITE_Q5_FILL, fillSource: "published",
    },
    behaviour: {
      malformed: 0.031, driftPerTurn: 0.009, fixTerse: 0.23, fixSpecific: 0.83,
      stop: 0.008, loop: 0.009, loopBreak: 0.04, loopBreakWarned: 0.8,
      wrongFile: 0.25, notice: 0.33, detour: 0.45,
    },
    contextLength: 131072, numCtx: 32768,
  },
  {
    name: "qwen-27b-q4",
    published: {
      model: "Qwen 3.6 27B", quantization: "Q4_K_M", hardware: "RTX 4090 24GB",
      validity: 0.928, completed: 38, tasks: 50, medianCalls: 7.3,
      fill: [[4000, 0.96], [8000, 0.95], [16000, 0.94], [24000, 0.93], [32000, 0.91], [48000, 0.85], [64000, 0.76], [96000, 0.62]],
      fillSource: "published",
    },
    behaviour: {
      malformed: 0.019, driftPerTurn: 0.006, fixTerse: 0.3, fixSpecific: 0.88,
      stop: 0.007, loop: 0.008, loopBreak: 0.05, loopBreakWarned: 0.85,
      wrongFile: 0.22, notice: 0.4, detour: 0.35,
    },
    contextLength: 131072, numCtx: 32768,
  },
  {
    name: "llama-70b-q4",
    published: {
      model: "Llama 3.3 70B", quantization: "Q4_K_M", hardware: "RTX 5090 32GB",
      validity: 0.984, completed: 46, tasks: 50, medianCalls: 6.1,
      fill: [[4000, 0.99], [8000, 0.98], [16000, 0.98], [24000, 0.97], [32000, 0.96], [48000, 0.94], [64000, 0.9], [96000, 0.84]],
      fillSource: "published",
    },
    behaviour: {
      malformed: 0.0045, driftPerTurn: 0.0015, fixTerse: 0.45, fixSpecific: 0.95,
      stop: 0.006, loop: 0.005, loopBreak: 0.06, loopBreakWarned: 0.9,
      wrongFile: 0.1, notice: 0.6, detour: 0.2,
    },
    contextLength: 131072, numCtx: 32768,
  },
  {
    name: "llama-3b-q5",
    published: {
      model: "Llama 3.2 3B", quantization: "Q5_K_M", hardware: "RTX 5070 Ti 16GB",
      validity: 0.713, completed: 18, tasks: 50, medianCalls: 11.6,
      fill: scaledFill(GRANITE_Q5_FILL, 0.892, 0.713),
      fillSource: "derived: the 8B q5 curve with its invalid share scaled to the 3B row",
    },
    behaviour: {
      malformed: 0.15, driftPerTurn: 0.015, fixTerse: 0.5, fixSpecific: 0.77,
      stop: 0.008, loop: 0.01, loopBreak: 0.03, loopBreakWarned: 0.7,
      wrongFile: 0.3, notice: 0.2, detour: 0.65,
    },
    contextLength: 131072, numCtx: 32768,
  },
];

/** The profile of that name, or null. */
export function findSimProfile(name: string): SimProfile | null {
  return SIM_PROFILES.find((profile) => profile.name === name) ?? null;
}
