import type { ChatMessage, ModelReply, ModelRequest } from "../../model/types.js";
import type { HistoryEntry } from "../../protocol/history.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolCall } from "../../protocol/tool-schemas.js";
import type { Intervention } from "../../protocol/turn-record.js";
import { buildPrompt } from "../context/build-prompt.js";
import { parseToolReply } from "../repair/parse-tool-reply.js";
import type { ParsedReply } from "../repair/parsed-reply.js";
import type { InvalidReply, InvalidVerdict, Layer, LayerRun, ReviewedObservation, ToolVerdict } from "./layer.js";

/** The enabled layers as one set of hooks, each combining the layers' answers as described. */
export interface LayerHooks {
  /** Every layer's, in order; their interventions in order. */
  beforeQuery(run: LayerRun): Promise<Intervention[]>;
  /** The first layer's view, else the history verbatim. */
  view(history: readonly HistoryEntry[]): ChatMessage[];
  /** Every layer's, in order, each on the previous one's request. */
  constrain(request: ModelRequest, run: LayerRun): ModelRequest;
  /** The first layer's parse, else the strict one. */
  parse(reply: ModelReply, run: LayerRun): ParsedReply;
  /**
   * The layers in order until one says requery or reask; otherwise an exit beats feedback, and
   * feedback is the first layer's text with every answering layer's interventions. Nothing when
   * no layer answers: the loop then does what a naive harness does.
   */
  onInvalid(invalid: InvalidReply, run: LayerRun): Promise<InvalidVerdict | undefined>;
  /** The first verdict other than `run`. */
  beforeTool(call: ToolCall, run: LayerRun): ToolVerdict;
  /** Every layer's, in order, each on the previous one's observation. */
  afterTool(call: ToolCall, observation: Observation, run: LayerRun): Promise<ReviewedObservation>;
}

export function combineLayers(layers: readonly Layer[]): LayerHooks {
  return {
    async beforeQuery(run) {
      const interventions: Intervention[] = [];
      for (const layer of layers) if (layer.beforeQuery) interventions.push(...(await layer.beforeQuery(run)));
      return interventions;
    },
    view(history) {
      const viewer = layers.find((layer) => layer.view);
      return viewer?.view ? viewer.view(history) : buildPrompt({ history, context: false });
    },
    constrain(request, run) {
      return layers.reduce((sent, layer) => layer.constrain?.(sent, run) ?? sent, request);
    },
    parse(reply, run) {
      const parser = layers.find((layer) => layer.parse);
      return parser?.parse ? parser.parse(reply, run) : parseToolReply({ reply, tools: run.tools, repair: false });
    },
    async onInvalid(invalid, run) {
      const answers: InvalidVerdict[] = [];
      for (const layer of layers) {
        const verdict = await layer.onInvalid?.(invalid, run);
        if (verdict?.kind === "requery" || verdict?.kind === "reask") return verdict;
        if (verdict) answers.push(verdict);
      }
      const exit = answers.find((answer) => answer.kind === "exit");
      if (exit) return exit;
      const feedback = answers.flatMap((answer) => (answer.kind === "feedback" ? [answer] : []));
      const first = feedback[0];
      if (!first) return undefined;
      return { kind: "feedback", text: first.text, interventions: feedback.flatMap((answer) => answer.interventions) };
    },
    beforeTool(call, run) {
      for (const layer of layers) {
        const verdict = layer.beforeTool?.(call, run);
        if (verdict && verdict.kind !== "run") return verdict;
      }
      return { kind: "run" };
    },
    async afterTool(call, observation, run) {
      let reviewed: ReviewedObservation = { observation, interventions: [] };
      for (const layer of layers) {
        if (!layer.afterTool) continue;
        const next = await layer.afterTool(call, reviewed.observation, run);
        reviewed = { observation: next.observation, interventions: [...reviewed.interventions, ...next.interventions] };
      }
      return reviewed;
    },
  };
}
