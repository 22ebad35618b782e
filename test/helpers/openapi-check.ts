import fs from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

export interface RecordedRequest {
  method: string;
  /** The route template Octokit was given, e.g. `/repos/{owner}/{repo}/pulls`. */
  template: string;
  /** Path, query and body parameters as passed to `octokit.request`. */
  params: Record<string, unknown>;
  /** The JSON body Octokit sent, if any. */
  body: unknown;
}

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: object }> };
}

type Spec = { paths: Record<string, Record<string, Operation>> };

let spec: Spec | null = null;
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function loadSpec(): Spec {
  if (!spec) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/openapi/generated/api.github.com.deref.json");
    spec = JSON.parse(fs.readFileSync(file, "utf8")) as Spec;
  }
  return spec;
}

/**
 * Checks a request against GitHub's OpenAPI description: the route exists for the method, every
 * path and required query parameter is given, and the body validates against the operation's
 * JSON schema (required fields, types, enums). Returns the problems found (empty when fine).
 */
export function checkAgainstOpenApi(request: RecordedRequest): string[] {
  const operation = loadSpec().paths[request.template]?.[request.method.toLowerCase()];
  const label = `${request.method} ${request.template}`;
  if (!operation) return [`${label}: no such operation in GitHub's OpenAPI description`];
  const problems: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    if ((parameter.in === "path" || (parameter.in === "query" && parameter.required)) && request.params[parameter.name] === undefined) {
      problems.push(`${label}: missing ${parameter.in} parameter "${parameter.name}"`);
    }
  }
  const schema = operation.requestBody?.content?.["application/json"]?.schema;
  if (schema) {
    if (operation.requestBody?.required && request.body === undefined) problems.push(`${label}: the body is required`);
    if (request.body !== undefined) {
      const key = label;
      let validate = validators.get(key);
      if (!validate) {
        validate = ajv.compile(schema);
        validators.set(key, validate);
      }
      if (!validate(request.body)) {
        for (const error of validate.errors ?? []) problems.push(`${label}: body${error.instancePath} ${error.message ?? "is invalid"}`);
      }
    }
  }
  return problems;
}

/** An Octokit plugin that records every request (for `checkAgainstOpenApi`). */
export function recordRequests(sink: RecordedRequest[]) {
  return (octokit: {
    hook: { before(name: "request", hook: (options: Record<string, unknown>) => void): void };
    request: { endpoint: { parse(options: Record<string, unknown>): { body?: unknown } } };
  }) => {
    octokit.hook.before("request", (options) => {
      const parsed = octokit.request.endpoint.parse(options);
      sink.push({ method: String(options.method), template: String(options.url), params: options, body: parsed.body });
    });
  };
}

let templates: { template: string; pattern: RegExp; names: string[]; literal: number }[] | null = null;

/**
 * A request seen on the wire (method, path under the API base, query, JSON body) as a
 * `RecordedRequest`: the OpenAPI route it matches (the most literal one, so `/repos/{o}/{r}/pulls`
 * beats a longer template) with its path parameters. Null when no route matches: the check then
 * reports it as an operation that does not exist.
 */
export function recordFromWire(request: { method: string; path: string; query: URLSearchParams; body: unknown }): RecordedRequest {
  templates ??= Object.keys(loadSpec().paths).map((template) => {
    const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
    const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "([^/]+)");
    return { template, pattern: new RegExp(`^${source}$`), names, literal: template.replace(/\{[^}]+\}/g, "").length };
  });
  const method = request.method.toLowerCase();
  const spec = loadSpec();
  const matches = templates
    .filter((t) => spec.paths[t.template]?.[method] && t.pattern.test(request.path))
    .sort((a, b) => b.literal - a.literal);
  const best = matches[0];
  const params: Record<string, unknown> = Object.fromEntries(request.query.entries());
  if (best) {
    const values = best.pattern.exec(request.path)?.slice(1) ?? [];
    best.names.forEach((name, i) => (params[name] = decodeURIComponent(values[i] ?? "")));
  }
  const bodyParams = typeof request.body === "object" && request.body !== null ? (request.body as Record<string, unknown>) : {};
  return { method: request.method, template: best?.template ?? request.path, params: { ...bodyParams, ...params }, body: request.body };
}
