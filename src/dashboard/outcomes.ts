import { Outcome } from "../report/report-schema.js";

/** The outcomes the runs list can filter by, in the report schema's order. */
export const OUTCOMES: readonly Outcome[] = Outcome.options;
