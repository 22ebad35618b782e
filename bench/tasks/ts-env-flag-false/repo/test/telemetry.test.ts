import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../src/config/load.ts";
import { reportUsage } from "../src/telemetry.ts";

test("does not send usage when telemetry is off", async () => {
  const sent: string[] = [];
  const config = { ...loadConfig({}), telemetry: false };
  assert.equal(await reportUsage(config, { name: "start", version: "0.8.0" }, async (url) => void sent.push(url)), false);
  assert.deepEqual(sent, []);
});

test("sends usage to the endpoint", async () => {
  const sent: string[] = [];
  await reportUsage(loadConfig({}), { name: "start", version: "0.8.0" }, async (url) => void sent.push(url));
  assert.deepEqual(sent, ["https://collector.beacon.example/v1/usage"]);
});
