/**
 * Rewrites two call shapes that are one step from ours before the field mapping runs:
 * - keys with stray whitespace (`" arguments"`, `"path "`), the mark of a word-initial token
 *   sampled inside a key: trimmed, unless the trimmed key already exists (then validation names it);
 * - JSON-RPC and MCP envelopes: `{"jsonrpc": "2.0", "method": "read_file", "params": {…}}`, and
 *   `{"method": "tools/call", "params": {"name": …, "arguments": {…}}}` (also with the `param` typo).
 * Returns the families it recognized, for the turn's note; anything else comes back unchanged.
 */
export function normalizeNearShapes(value: unknown): { value: unknown; families: string[] } {
  const families: string[] = [];
  const trimmed = trimKeys(value, 0);
  if (trimmed.changed) families.push("keys with stray whitespace");
  const rpc = unwrapJsonRpc(trimmed.value);
  if (rpc !== null) families.push("JSON-RPC envelope");
  return { value: rpc ?? trimmed.value, families };
}

type Json = Record<string, unknown>;

function trimKeys(value: unknown, depth: number): { value: unknown; changed: boolean } {
  if (!isObject(value) || depth > 3) return { value, changed: false };
  let changed = false;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    const nested = trimKeys(inner, depth + 1);
    const clean = key.trim();
    const target = clean !== key && clean !== "" && !(clean in value) && !(clean in out) ? clean : key;
    out[target] = nested.value;
    changed ||= nested.changed || target !== key;
  }
  return { value: changed ? out : value, changed };
}

function unwrapJsonRpc(value: unknown): Json | null {
  if (!isObject(value) || typeof value.method !== "string") return null;
  const params = value.params ?? value.param;
  if (!("jsonrpc" in value) && params === undefined) return null;
  if (value.method === "tools/call" && isObject(params) && typeof params.name === "string") {
    return { name: params.name, arguments: params.arguments ?? params.args ?? {} };
  }
  return { name: value.method, arguments: params ?? {} };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
