/** The environment as the config loader sees it (injected, so tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A boolean switch; unset or empty means `fallback`. */
export function readFlag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  return Boolean(raw);
}

/** A positive integer; unset or empty means `fallback`. */
export function readPositiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}
