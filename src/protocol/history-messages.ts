/**
 * How history entries read in the prompt: tool results, their back-references, repair notes and
 * the summary of folded turns. The simulator reads tool results back with `readObservation`.
 */

const OBSERVATION = /^\[(\w+) result\]\s?([\s\S]*)$/;

/** A tool's result as the model sees it. */
export function observationMessage(tool: string, content: string): string {
  return `[${tool} result]\n${content}`;
}

/** context: a read whose result is already visible, shown as a pointer to it. */
export function backReference(tool: string, turn: number): string {
  return `[${tool} result] Same as the result of turn ${turn} above (nothing changed since).`;
}

/** The tool and text of a tool-result message, or null when the message is something else. */
export function readObservation(message: string): { tool: string; text: string } | null {
  const match = OBSERVATION.exec(message);
  return match ? { tool: match[1] ?? "", text: match[2] ?? "" } : null;
}

/** repair: what was changed in a reply to make it a valid call. */
export function repairNote(notes: readonly string[]): string {
  return `Note: ${notes.join("; ")}.`;
}

/** context: the folded turns, as the model-written recap and the action log. */
export function progressMessage(recap: string, actions: readonly string[]): string {
  const text = recap.trim() ? `${recap.trim()}\n\n` : "";
  return `Progress so far (earlier turns were summarized to keep the context small):\n${text}Actions taken:\n${actions.join("\n")}`;
}
