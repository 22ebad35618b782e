import { z } from "zod";
import { RepoConfigSchema } from "./repo-config-schema.js";

/**
 * The text of `docs/local-agent.schema.json`: the JSON Schema of `.github/local-agent.yml`, for
 * editors (`# yaml-language-server: $schema=…`). Describes the file as written (`io: "input"`);
 * checks that need code (glob safety, the model allowlist) are only in `parseRepoConfig`.
 */
export function repoConfigJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(RepoConfigSchema, { io: "input", target: "draft-2020-12" }), null, 2)}\n`;
}
