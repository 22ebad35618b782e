import { isDeepStrictEqual } from "node:util";
import type { ParsedReply } from "../../../src/scaffold/repair/parsed-reply.js";
import type { CorpusCase } from "./real-replies.corpus.js";

/**
 * Whether a parse of a corpus reply is the outcome the case expects: the exact call (tool and
 * args; the thought is free), or a re-ask with the expected error kind whose message names what
 * it must. Interventions and notes are checked by the corpus test itself; this is the yes/no that
 * the repair rate counts.
 */
export function judgeCorpusCase(c: CorpusCase, parsed: ParsedReply): { ok: boolean; got: string } {
  const got = parsed.ok ? `call ${JSON.stringify({ tool: parsed.call.tool, args: parsed.call.args })}` : `re-ask ${parsed.error.code}: ${parsed.error.message}`;
  const expected = c.expected;
  if ("call" in expected) {
    const ok = parsed.ok && parsed.call.tool === expected.call.tool && isDeepStrictEqual(parsed.call.args, expected.call.args);
    return { ok, got };
  }
  const ok = !parsed.ok && parsed.error.code === expected.reask && expected.mentions.every((m) => parsed.error.message.toLowerCase().includes(m.toLowerCase()));
  return { ok, got };
}
