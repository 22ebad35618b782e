import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../../src/model/types.js";
import { createGrammarLayer } from "../../../src/scaffold/layers/grammar.js";
import { layerRun } from "../../helpers/layer-run.js";

const request: ModelRequest = {
  messages: [{ role: "user", content: "hi" }],
  purpose: "agent",
  temperature: 0.3,
  maxTokens: 100,
};
type OneOf = { oneOf: { properties: { tool: { const: string } } }[] };
const toolsOf = (sent: ModelRequest) =>
  ((sent.constraint?.jsonSchema ?? { oneOf: [] }) as OneOf).oneOf.map((s) => s.properties.tool.const);

describe("grammar layer", () => {
  it("constrains every agent request to the task's tool calls, as a JSON schema and as GBNF", () => {
    const layer = createGrammarLayer();
    const sent = layer.constrain?.(request, layerRun()) ?? request;
    expect(toolsOf(sent)).toEqual([
      "list_files",
      "read_file",
      "search",
      "edit_file",
      "write_file",
      "run_tests",
      "finish",
    ]);
    expect(sent.constraint?.gbnf).toMatch(/^root ::= /m);
    expect(sent.constraint?.gbnf).toContain('\\"finish\\"');
    expect(sent).toMatchObject({ messages: request.messages, temperature: 0.3, maxTokens: 100 });
    expect(request.constraint).toBeUndefined();
  });
  it("offers a question task only the read tools and answer", () => {
    const sent = createGrammarLayer().constrain?.(request, layerRun({ question: true })) ?? request;
    expect(toolsOf(sent)).toEqual(["list_files", "read_file", "search", "answer"]);
    expect(sent.constraint?.gbnf).not.toContain("edit_file");
  });
  it("builds the constraint once per run", () => {
    const layer = createGrammarLayer();
    const run = layerRun();
    expect(layer.constrain?.(request, run).constraint).toBe(layer.constrain?.(request, run).constraint);
  });
});
