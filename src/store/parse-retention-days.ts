/** `LOCAL_AGENT_RETENTION_DAYS` for the CLI (the app reads it with its env schema): days, 0 = forever, default 90. */
export function parseRetentionDays(raw: string | undefined): number | string {
  if (raw === undefined || raw.trim() === "") return 90;
  const text = raw.trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > 36_500) {
    return `LOCAL_AGENT_RETENTION_DAYS=${JSON.stringify(raw)}: expected a whole number from 0 to 36500 (days a finished run is kept; 0 keeps runs forever)`;
  }
  return value;
}
