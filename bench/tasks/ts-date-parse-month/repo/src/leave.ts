import { parseIsoDate } from "./dates/parse.ts";
import { addDays, formatIsoDate } from "./dates/format.ts";

export interface LeaveRequest {
  /** First day of leave, ISO date. */
  from: string;
  /** Last day of leave (inclusive), ISO date. */
  to: string;
}

/** Monday-to-Friday days in the request, excluding the given ISO-dated public holidays. */
export function workingDays(request: LeaveRequest, holidays: readonly string[] = []): number {
  const from = parseIsoDate(request.from);
  const to = parseIsoDate(request.to);
  if (to < from) throw new Error(`leave ends (${request.to}) before it starts (${request.from})`);
  const skip = new Set(holidays);
  let count = 0;
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !skip.has(formatIsoDate(day))) count++;
  }
  return count;
}
