import { test } from "node:test";
import assert from "node:assert/strict";
import { exportLines } from "../src/export.js";

test("v1 export keeps its historical columns", () => {
  const csv = exportLines([{ name: "Mug", quantity: 2, unitCents: 450 }]);
  assert.equal(csv, "name,quantity,total\nMug,2,9.0");
});
