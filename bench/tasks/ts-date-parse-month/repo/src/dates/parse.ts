const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an ISO calendar date ("2024-03-05") into a Date at UTC midnight. */
export function parseIsoDate(input: string): Date {
  const match = ISO_DATE.exec(input.trim());
  if (!match) throw new Error(`invalid date "${input}": expected YYYY-MM-DD`);
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month), Number(day)));
  if (date.getUTCDate() !== Number(day)) throw new Error(`invalid date "${input}": no such day`);
  return date;
}
