/**
 * The installed model names most similar to the one asked for, best first: a typo'd or
 * un-pulled tag ("qwen2.5-coder:7b" when only ":14b" is installed) points the user at what
 * they can use right now.
 */
export function closestModelNames(params: { wanted: string; installed: readonly string[]; limit?: number }): string[] {
  const wanted = normalize(params.wanted);
  return [...new Set(params.installed)]
    .map((name) => ({ name, distance: editDistance(wanted, normalize(name)) }))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, params.limit ?? 3)
    .map((entry) => entry.name);
}

// Ollama treats `llama3.1` and `llama3.1:latest` as the same model.
function normalize(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(":latest") ? lower.slice(0, -":latest".length) : lower;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
