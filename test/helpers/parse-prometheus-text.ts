/** One sample line of the Prometheus text format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: every
 * sample must belong to a family declared by `# TYPE`, labels must be well formed and values
 * numbers (`+Inf`, `-Inf`, `NaN` allowed). Throws on anything else, so a malformed scrape fails.
 * (parse-prometheus-text-format drops the labels of histogram samples, which these tests need.)
 */
export function parsePrometheusText(text: string): { types: Map<string, string>; samples: PromSample[] } {
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.startsWith("# HELP ")) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] ?? "", type[2] ?? "");
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not a Prometheus sample: ${line}`);
    const [, name = "", labelText = "", raw = ""] = match;
    const family = [name, name.replace(/_(bucket|sum|count)$/, "")].find((candidate) => types.has(candidate));
    if (!family) throw new Error(`line ${index + 1}: ${name} has no # TYPE line`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) throw new Error(`line ${index + 1}: bad labels {${labelText}}`);
      labels[label[1] ?? ""] = (label[2] ?? "").replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    }
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== "NaN") throw new Error(`line ${index + 1}: ${raw} is not a number`);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}
