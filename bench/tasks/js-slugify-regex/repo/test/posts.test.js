import { test } from "node:test";
import assert from "node:assert/strict";
import { indexPosts, permalink } from "../src/posts.js";
import { slugify } from "../src/slugify.js";

test("slugifies simple titles", () => {
  assert.equal(slugify("Release 2"), "release-2");
  assert.equal(slugify("Crème brûlée"), "creme-brulee");
});

test("collapses punctuation and spaces into one dash", () => {
  assert.equal(slugify("Hello, World!"), "hello-world");
  assert.equal(slugify("  Q&A: what's next?  "), "q-a-what-s-next");
  assert.equal(slugify("C++ -- the good parts"), "c-the-good-parts");
});

test("builds permalinks from the year and the slug", () => {
  assert.equal(permalink({ title: "Hello, World!", date: "2024-05-01" }), "/2024/hello-world/");
});

test("indexes posts newest first", () => {
  const posts = indexPosts([
    { title: "Old", date: "2023-01-02" },
    { title: "New", date: "2024-02-03" },
  ]);
  assert.deepEqual(posts.map((post) => post.url), ["/2024/new/", "/2023/old/"]);
});
