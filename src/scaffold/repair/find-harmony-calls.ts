import type { FoundCall } from "./found-call.js";
import { readJsonArgs } from "./read-json-args.js";

const FAMILY = "gpt-oss Harmony";

/** A recipient in a header: `to=functions.read_file`, `to=python`, `to=browser.search`. */
const RECIPIENT = /(?:^|[\s>|a-z])to=([A-Za-z_][\w.:-]*)/g;
/** Recipients that address a role, not a tool (tool *results* are `<|start|>functions.x to=assistant`). */
const ROLES = new Set(["assistant", "user", "system", "developer"]);
/** Harmony's own tokens and channel names: without one of them, `to=x` is ordinary text (`proto=tcp`). */
const HARMONY_MARKS = /<\|(?:channel|message|start|constrain|call|end)\|>|\b(?:commentary|analysis|final)\s*(?:to=|$)/;
const MESSAGE = "<|message|>";
/** Where a message ends: its own stop tokens, or the next message's start. */
const MESSAGE_END = /<\|(?:call|end|return|start)\|>/;
const MESSAGE_BOUNDARY = /<\|(?:start|end|call|return)\|>/g;
/**
 * The two headers gpt-oss is trained to write (openai-cookbook `articles/openai-harmony.md`: "the
 * recipient might be defined in the role or channel section of the header"), with an optional
 * content type.
 */
const CANONICAL = [
  /^(?:<\|start\|>assistant)?<\|channel\|>commentary to=functions\.[\w.-]+ ?(?:<\|constrain\|> ?json)?<\|message\|>$/,
  /^<\|start\|>assistant to=functions\.[\w.-]+ ?<\|channel\|>commentary(?: ?<\|constrain\|> ?json| json)?<\|message\|>$/,
];

/**
 * gpt-oss calls in the Harmony format that reached the text because the server did not parse them
 * (LM Studio, vLLM and llama.cpp leak them; see the corpus): a header naming a recipient, then the
 * JSON arguments. Tolerates what the model and servers do to headers: special tokens stripped
 * (`commentary to=functions.read_file json{…}`), doubled `<|channel|>` markers, stray words, the
 * recipient in the role part, no `<|call|>` at the end. Anything but the two canonical headers is
 * reported as repaired. An empty message is a call without arguments; other text where the
 * arguments belong is a `problem`, never a guess.
 */
export function findHarmonyCalls(text: string): FoundCall[] {
  const calls: FoundCall[] = [];
  for (const match of text.matchAll(RECIPIENT)) {
    const recipient = match[1] ?? "";
    if (ROLES.has(recipient) || !(recipient.startsWith("functions.") || HARMONY_MARKS.test(text))) continue;
    const at = match.index + match[0].indexOf("to=");
    const afterRecipient = at + "to=".length + recipient.length;
    const headerStart = messageStart(text, at);
    const segmentEnd = nextEnd(text, afterRecipient);
    const messageAt = text.indexOf(MESSAGE, afterRecipient);
    const hasMessage = messageAt >= 0 && messageAt < segmentEnd;
    const bodyStart = hasMessage ? messageAt + MESSAGE.length : afterRecipient;
    const bodyEnd = hasMessage ? nextEnd(text, bodyStart) : segmentEnd;
    // Without `<|message|>` the header runs straight into the arguments: `… json{…}`, `… <|constrain|>json{…}`.
    const skipped = hasMessage ? 0 : (/^\s*(?:<\|constrain\|>)?\s*(?:json|code)?\s*(?=\{)/.exec(text.slice(bodyStart, bodyEnd))?.[0].length ?? 0);
    const { consumed, ...args } = readJsonArgs(text.slice(bodyStart + skipped, bodyEnd), { required: true });
    const canonical = hasMessage && CANONICAL.some((pattern) => pattern.test(text.slice(headerStart, bodyStart)));
    calls.push({
      name: recipient.replace(/^functions\./, ""),
      start: headerStart,
      end: hasMessage ? bodyEnd : bodyStart + skipped + consumed,
      family: FAMILY,
      ...args,
      problem: args.problem === undefined ? undefined : `${args.problem}; after the Harmony header comes only the JSON arguments`,
      repaired: args.repaired || !canonical,
    });
  }
  return calls;
}

/** Where the header of the message holding `at` begins: its `<|start|>`, after the previous end token, or where the line does. */
function messageStart(text: string, at: number): number {
  let start = -1;
  for (const token of text.slice(0, at).matchAll(MESSAGE_BOUNDARY)) start = token[0] === "<|start|>" ? token.index : token.index + token[0].length;
  if (start >= 0) return start;
  const channel = text.lastIndexOf("<|channel|>", at);
  return channel >= 0 ? channel : at;
}

function nextEnd(text: string, from: number): number {
  const end = text.slice(from).search(MESSAGE_END);
  return end < 0 ? text.length : from + end;
}
