import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ENDPOINT, loadConfig } from "../src/config/load.ts";

test("defaults", () => {
  assert.deepEqual(loadConfig({}), {
    endpoint: DEFAULT_ENDPOINT,
    intervalSeconds: 60,
    telemetry: true,
    debug: false,
  });
});

test("reads the interval", () => {
  assert.equal(loadConfig({ BEACON_INTERVAL_S: "15" }).intervalSeconds, 15);
  assert.throws(() => loadConfig({ BEACON_INTERVAL_S: "soon" }), /BEACON_INTERVAL_S must be a positive whole number/);
});

test("switches turn on with true, 1, yes or on (any case)", () => {
  for (const value of ["true", "1", "yes", "on", "TRUE", " On "]) {
    assert.equal(loadConfig({ BEACON_DEBUG: value }).debug, true, value);
  }
});

test("switches turn off with false, 0, no or off (any case)", () => {
  for (const value of ["false", "0", "no", "off", "FALSE", " Off "]) {
    assert.equal(loadConfig({ BEACON_TELEMETRY: value }).telemetry, false, value);
  }
});

test("an unrecognised switch value is an error that names the variable", () => {
  assert.throws(() => loadConfig({ BEACON_TELEMETRY: "nope" }), /BEACON_TELEMETRY/);
});
