import { findSimProfile } from "./sim/sim-profiles.js";
import { TERMINAL_FAILURES, type BenchResult } from "./bench-result-schema.js";

const MODE_LABEL: Record<string, string> = {
  tool_call_hallucination: "invalid args",
  schema_drift: "schema drift",
  context_truncation: "context",
  premature_stop: "premature stop",
  infinite_loop: "loop",
  wrong_file_edit: "wrong file",
  wrong_answer: "wrong answer",
  other: "other",
};

/** Interventions that show each layer at work (the grammar acts on every call, not as an intervention). */
const LAYER_ACTIONS: [string, string[]][] = [
  ["grammar", []],
  ["repair", ["stripped_fence", "extracted_from_prose", "repaired_json", "mapped_alias"]],
  ["retry", ["retry", "recovery_prompt"]],
  ["reinject", ["schema_reinjected"]],
  ["context", ["summarized", "truncation_detected"]],
  ["loops", ["loop_detected"]],
  ["stops", ["premature_stop_rejected"]],
  ["scope", ["scope_blocked"]],
];

/**
 * The markdown view of a bench result: the published table's columns, the failure-mode
 * breakdown, the published rows beside simulated ones, and the verdicts.
 */
export function renderBenchMarkdown(result: BenchResult): string {
  const lines: string[] = [];
  lines.push(`Command: \`${result.command}\``, "");
  lines.push(`${result.task_ids.length} tasks × ${result.runs} run${result.runs === 1 ? "" : "s"} per row (${result.suite}).`, "");
  lines.push("| Model | Scaffold | Validity raw | Validity effective | Completed | Median calls/task |");
  lines.push("|---|---|---:|---:|---:|---:|");
  for (const row of result.rows) {
    lines.push(
      `| \`${row.model}\` | ${row.scaffold} | ${pct(row.validity_raw)} | ${pct(row.validity_effective)} | ${row.completed}/${row.tasks} (${pct(row.completion_rate, 0)}) | ${row.median_calls === null ? "–" : row.median_calls.toFixed(1)} |`,
    );
  }

  const published = [...new Set(result.rows.map((row) => row.model))]
    .map((model) => ({ model, profile: model.startsWith("sim:") ? findSimProfile(model.slice(4)) : null }))
    .filter((entry) => entry.profile !== null);
  if (published.length > 0) {
    lines.push("", "Published rows the simulated profiles imitate (no grammar, no scaffolding):", "");
    lines.push("| Profile | Model | Validity | Completed | Median calls/task |", "|---|---|---:|---:|---:|");
    for (const { model, profile } of published) {
      if (!profile) continue;
      const p = profile.published;
      lines.push(`| \`${model}\` | ${p.model} ${p.quantization} | ${pct(p.validity)} | ${p.completed}/${p.tasks} (${pct(p.completed / p.tasks, 0)}) | ${p.medianCalls.toFixed(1)} |`);
    }
  }

  lines.push("", "Failure modes: failed runs by what ended them; in parentheses, turns with that mode over all runs (rescued or not).", "");
  lines.push(`| Model | Scaffold | ${TERMINAL_FAILURES.map((mode) => MODE_LABEL[mode] ?? mode).join(" | ")} |`);
  lines.push(`|---|---|${TERMINAL_FAILURES.map(() => "---:").join("|")}|`);
  for (const row of result.rows) {
    const cells = TERMINAL_FAILURES.map((mode) => {
      const turns = row.failure_modes.per_turn[mode];
      return `${row.failure_modes.terminal[mode]}${turns !== undefined ? ` (${turns})` : ""}`;
    });
    lines.push(`| \`${row.model}\` | ${row.scaffold} | ${cells.join(" | ")} |`);
  }

  lines.push("", "What each layer did: times it acted over all runs (– means the layer was off; the grammar constrains every call).", "");
  lines.push(`| Model | Scaffold | ${LAYER_ACTIONS.map(([layer]) => layer).join(" | ")} |`);
  lines.push(`|---|---|${LAYER_ACTIONS.map(() => "---:").join("|")}|`);
  for (const row of result.rows) {
    const cells = LAYER_ACTIONS.map(([layer, names]) => {
      if (layer === "grammar") return row.layers.includes("grammar") ? "on" : "–";
      const count = names.reduce((sum, name) => sum + (row.interventions[name] ?? 0), 0);
      return row.layers.includes(layer) ? String(count) : "–";
    });
    lines.push(`| \`${row.model}\` | ${row.scaffold} | ${cells.join(" | ")} |`);
  }

  lines.push("", "Cost: prompt tokens per completed task, and the share of turns whose prompt extends the previous one (KV-cache reuse).", "");
  lines.push("| Model | Scaffold | Prompt tokens / completed task | Prefix stability | Agent turns | Model calls |", "|---|---|---:|---:|---:|---:|");
  for (const row of result.rows) {
    lines.push(
      `| \`${row.model}\` | ${row.scaffold} | ${row.prompt_tokens_per_completed === null ? "–" : row.prompt_tokens_per_completed.toLocaleString("en-US")} | ${row.prefix_stability === null ? "–" : pct(row.prefix_stability)} | ${row.agent_turns} | ${row.model_calls} |`,
    );
  }

  const measured = result.rows.filter((row) => row.server);
  if (measured.length > 0) {
    lines.push("", "Measured by the model server (real models): calls and wall time per task run, generation speed, prompt time, and the KV cache's share of prompt tokens (– where the server does not say: Ollama counts cached tokens as evaluated).", "");
    lines.push("| Model | Scaffold | Calls/task | Wall time/task | Generation tok/s | Prompt eval ms/call | Prompt tok/s (uncached) | KV-cache reuse |");
    lines.push("|---|---|---:|---:|---:|---:|---:|---:|");
    for (const row of measured) {
      const s = row.server;
      if (!s) continue;
      const num = (value: number | null, digits: number) => (value === null ? "–" : value.toFixed(digits));
      lines.push(
        `| \`${row.model}\` | ${row.scaffold} | ${s.calls_per_task.toFixed(1)} | ${(s.wall_ms_per_task / 1000).toFixed(0)} s | ${num(s.generation_tokens_per_s, 1)} | ${num(s.prompt_eval_ms_per_call, 0)} | ${num(s.prompt_tokens_per_s, 0)} | ${s.cache_reuse === null ? "–" : pct(s.cache_reuse)} |`,
      );
    }
  }

  if (result.verdicts.length > 0) {
    lines.push("", "Verdict (the line: ≥ 95% tool-call validity held across a 30-turn session):", "");
    for (const verdict of result.verdicts) lines.push(`- \`${verdict.model}\`: **${verdict.grade}**: ${verdict.reason}.`);
  }
  return `${lines.join("\n")}\n`;
}

function pct(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}
