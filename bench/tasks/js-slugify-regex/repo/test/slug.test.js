import { test } from "node:test";
import assert from "node:assert/strict";
import { legacyPermalink, legacySlug } from "../src/slug.js";

test("v1 slugs never change", () => {
  assert.equal(legacySlug("Hello, World!"), "hello--world");
  assert.equal(legacyPermalink("Release 2.0"), "/posts/release-2-0-");
});
