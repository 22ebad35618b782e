import path from "node:path";
import { runHostGit } from "../workspace/host-git.js";

/**
 * The name a CLI run is listed under: `owner/name` from the origin remote when it looks like a
 * GitHub-style URL (so CLI and app runs of one repository group together), else the folder name.
 * Credentials in the remote URL never make it into the name.
 */
export async function describeCheckoutRepo(params: { dir: string; env: NodeJS.ProcessEnv }): Promise<string> {
  const remote = await runHostGit({ args: ["remote", "get-url", "origin"], cwd: params.dir, env: params.env }).then(
    (result) => result.stdout.trim(),
    () => "",
  );
  const match = /[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(remote);
  if (match && !remote.startsWith("/") && !remote.startsWith("file:")) return `${match[1]}/${match[2]}`;
  return path.basename(params.dir);
}
