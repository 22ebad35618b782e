/**
 * Is a reply that holds no usable tool call a stop (the model thinks it is done: prose, "I fixed
 * it")? Not when it tries to call a tool in another agent's notation — `<function=…>`,
 * `<invoke name=…>`, `<tool_call>`, or an XML element named after a tool (Cline's format): that is
 * a malformed call, to be answered with an error, not a run that ended.
 */
export function isStopReply(raw: string, tools: readonly string[]): boolean {
  if (raw.includes("{")) return false;
  if (/<(?:function=|invoke\b|tool_call\b|function_call\b)/i.test(raw)) return false;
  return !tools.some((tool) => raw.includes(`<${tool}>`) || raw.includes(`<${tool} `));
}
