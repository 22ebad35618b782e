import path from "node:path";
import type { Report } from "../report/report-schema.js";
import { captureDiff } from "./capture-diff.js";
import { describeCheckoutRepo } from "./describe-checkout-repo.js";
import { openRunStore } from "./open-run-store.js";
import { readOptionalFile } from "./read-optional-file.js";

export interface RecordCliRunParams {
  /** LOCAL_AGENT_DATA_DIR or `--data-dir`: the run goes into its `jobs.sqlite`, next to the app's runs. */
  dataDir: string;
  retentionDays: number;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** The checkout the run worked in; its edits are still in the working tree. */
  repoDir: string;
  report: Report;
  /** The recorded transcript, or for a `replay:` run the transcript it replayed; null when none. */
  transcriptFile: string | null;
}

/** Keeps one `local-agent run` in the run store, so `local-agent serve` lists it with the app's runs. */
export async function recordCliRun(params: RecordCliRunParams): Promise<{ id: number; file: string }> {
  const file = path.join(params.dataDir, "jobs.sqlite");
  const [repo, transcript, diff] = await Promise.all([
    describeCheckoutRepo({ dir: params.repoDir, env: params.env }),
    readOptionalFile(params.transcriptFile),
    captureDiff({ dir: params.repoDir, base: "HEAD", paths: params.report.files_changed, env: params.env }),
  ]);
  const runs = openRunStore({ file, now: params.now, retentionDays: params.retentionDays });
  try {
    const id = runs.insert({
      source: "cli",
      jobId: null,
      installationId: null,
      repo,
      number: null,
      target: null,
      title: params.report.task.title.slice(0, 1000),
      actor: null,
      branch: null,
      checkRunId: null,
      report: params.report,
      transcript,
      diff,
      finishedAt: params.now().toISOString(),
    });
    return { id, file };
  } finally {
    runs.close();
  }
}
