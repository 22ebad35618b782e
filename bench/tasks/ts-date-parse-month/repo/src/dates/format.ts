/** The ISO calendar date of a UTC Date: "2024-03-05". */
export function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The same instant `days` calendar days later (earlier when negative). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
