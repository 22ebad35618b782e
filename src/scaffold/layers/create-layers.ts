import type { AgentLimits } from "../../protocol/agent-run.js";
import type { ScaffoldLayer } from "../../protocol/turn-record.js";
import { createContextLayer } from "./context.js";
import { createGrammarLayer } from "./grammar.js";
import type { Layer } from "./layer.js";
import { createLoopsLayer } from "./loops.js";
import { createReinjectLayer } from "./reinject.js";
import { createRepairLayer } from "./repair.js";
import { createRetryLayer } from "./retry.js";
import { createScopeLayer } from "./scope.js";
import { createStopsLayer } from "./stops.js";

/**
 * The order the loop calls the layers' hooks in: the report's order, except that context comes
 * before reinject, so that a turn's summary is made before its schema reminder is added.
 */
const HOOK_ORDER: readonly ScaffoldLayer[] = [
  "grammar",
  "repair",
  "retry",
  "context",
  "reinject",
  "loops",
  "stops",
  "scope",
];

const FACTORIES: Record<ScaffoldLayer, (limits: AgentLimits) => Layer> = {
  grammar: createGrammarLayer,
  repair: createRepairLayer,
  retry: createRetryLayer,
  reinject: createReinjectLayer,
  context: createContextLayer,
  loops: createLoopsLayer,
  stops: createStopsLayer,
  scope: createScopeLayer,
};

/**
 * The enabled layers (`--scaffold`, parsed) as fresh objects for one run, in hook order:
 * `all,-loops` is this list without the loops object.
 */
export function createLayers(spec: ReadonlySet<ScaffoldLayer>, limits: AgentLimits): Layer[] {
  return HOOK_ORDER.filter((name) => spec.has(name)).map((name) => FACTORIES[name](limits));
}
