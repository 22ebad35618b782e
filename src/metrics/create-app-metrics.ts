import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ModelCallEvent } from "../dashboard/live/model-call-event.js";
import { JOB_STATUSES } from "../jobs/job-schema.js";
import type { JobStore } from "../jobs/open-job-store.js";
import type { Report } from "../report/report-schema.js";
import { INTERVENTION_LAYER } from "./intervention-layer.js";

export interface AppMetrics {
  registry: Registry;
  /** A model call of a job finished. */
  observeModelCall(event: ModelCallEvent): void;
  /** A job's run ended with this report. */
  observeRun(report: Report): void;
  /** A job left the GPU lane. */
  observeJobFinished(params: { status: string; outcome: string | null }): void;
}

/**
 * The app's Prometheus metrics, in a registry of its own (one per app instance, so two apps in
 * one process, as in tests, never share counters). Labels are small fixed vocabularies: no
 * repository names, titles or free text, which would leak and explode the series count.
 * Queue figures are read from the job store at scrape time, so they are right after a restart.
 */
export function createAppMetrics(params: { store: JobStore }): AppMetrics {
  const registry = new Registry();
  const store = params.store;
  new Gauge({
    name: "local_agent_queue_depth",
    help: "Jobs waiting for a GPU slot (pending intake or queued).",
    registers: [registry],
    collect() {
      const counts = store.counts();
      this.set(counts.pending + counts.queued);
    },
  });
  new Gauge({
    name: "local_agent_jobs",
    help: "Jobs in the job store by status (pending, queued and running are the live queue).",
    labelNames: ["status"],
    registers: [registry],
    collect() {
      const counts = store.counts();
      for (const status of JOB_STATUSES) this.set({ status }, counts[status]);
    },
  });
  const jobsFinished = new Counter({ name: "local_agent_jobs_finished_total", help: "Jobs that left the GPU lane, by status and outcome.", labelNames: ["status", "outcome"], registers: [registry] });
  const runs = new Counter({ name: "local_agent_runs_total", help: "Agent runs by how the loop ended (exit) and the run's outcome.", labelNames: ["exit", "outcome"], registers: [registry] });
  const toolCalls = new Counter({
    name: "local_agent_tool_calls_total",
    help: "Tool-call validity: stage raw counts agent model calls (valid with no repair), stage effective counts agent turns (valid after scaffolding).",
    labelNames: ["stage", "valid"],
    registers: [registry],
  });
  const interventions = new Counter({ name: "local_agent_interventions_total", help: "Scaffolding interventions by layer and kind.", labelNames: ["layer", "intervention"], registers: [registry] });
  const failureModes = new Counter({ name: "local_agent_failure_modes_total", help: "Turns classified into the six failure modes.", labelNames: ["mode"], registers: [registry] });
  const latency = new Histogram({
    name: "local_agent_model_call_duration_seconds",
    help: "Wall-clock time of one model call.",
    labelNames: ["purpose"],
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const speed = new Histogram({
    name: "local_agent_model_tokens_per_second",
    help: "Generated tokens per second of one model call.",
    labelNames: ["purpose"],
    buckets: [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200],
    registers: [registry],
  });
  const prefix = new Counter({
    name: "local_agent_prompt_prefix_reuse_total",
    help: "Agent calls whose prompt extends the previous one of the job (reused=true: the server's KV cache covers what it already evaluated).",
    labelNames: ["reused"],
    registers: [registry],
  });
  return {
    registry,
    observeModelCall(event) {
      latency.observe({ purpose: event.purpose }, event.latencyMs / 1000);
      if (event.completionTokens && event.latencyMs > 0) speed.observe({ purpose: event.purpose }, event.completionTokens / (event.latencyMs / 1000));
      if (event.prefixReused !== null) prefix.inc({ reused: String(event.prefixReused) });
    },
    observeRun(report) {
      runs.inc({ exit: report.exit_kind ?? "unknown", outcome: report.outcome });
      for (const turn of report.turns) {
        if (turn.kind === "agent") {
          toolCalls.inc({ stage: "effective", valid: String(turn.valid) });
          for (const call of turn.attempts) toolCalls.inc({ stage: "raw", valid: String(call.raw_valid) });
        }
        for (const name of turn.interventions) interventions.inc({ layer: INTERVENTION_LAYER[name], intervention: name });
        if (turn.failure_mode) failureModes.inc({ mode: turn.failure_mode });
      }
    },
    observeJobFinished({ status, outcome }) {
      jobsFinished.inc({ status, outcome: outcome ?? "none" });
    },
  };
}
