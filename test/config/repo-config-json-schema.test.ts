import { describe, expect, it } from "vitest";
import { repoConfigJsonSchema } from "../../src/config/repo-config-json-schema.js";
import { REPO_CONFIG_KEYS } from "../../src/config/repo-config-schema.js";

const REGENERATE = "npx vitest run test/config/repo-config-json-schema.test.ts --update";

describe("docs/local-agent.schema.json", () => {
  it("matches the zod schema of .github/local-agent.yml", async () => {
    await expect(
      repoConfigJsonSchema(),
      `docs/local-agent.schema.json is out of date with src/config/repo-config-schema.ts; regenerate it with: ${REGENERATE}`,
    ).toMatchFileSnapshot("../../docs/local-agent.schema.json");
  });

  it("describes every key, forbids unknown ones and leaves the scaffolding out", () => {
    const schema = JSON.parse(repoConfigJsonSchema()) as { properties: Record<string, { description?: string }>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual([...REPO_CONFIG_KEYS]);
    expect(Object.values(schema.properties).every((property) => (property.description ?? "").length > 20)).toBe(true);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties).not.toHaveProperty("scaffold");
  });
});
