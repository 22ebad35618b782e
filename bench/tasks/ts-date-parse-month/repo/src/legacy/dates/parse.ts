// v1 HR import: dates arrive as "dd.mm.yyyy" and the import stores the month as-is (1-based)
// in its own records. Do not use in new code.

const V1_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;

export interface V1Date {
  year: number;
  month: number;
  day: number;
}

export function parseV1Date(input: string): V1Date {
  const match = V1_DATE.exec(input.trim());
  if (!match) throw new Error(`invalid v1 date "${input}"`);
  const [, day, month, year] = match;
  const date = new Date(Date.UTC(Number(year), Number(month), Number(day)));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth(), day: date.getUTCDate() };
}
