import type { NativeToolCall } from "../../model/types.js";
import type { ToolCall } from "../../protocol/tool-schemas.js";
import type { Intervention } from "../../protocol/turn-record.js";
import type { ReplyError } from "./validate-call.js";

/** A model reply as the parsers read it. */
export interface ReplyInput {
  content: string;
  toolCalls?: NativeToolCall[];
  doneReason?: string;
}

interface Common {
  interventions: Intervention[];
  notes: string[];
  /** The reply families that were recognized and repaired (or re-asked), in words, for the turn's note. */
  families: string[];
}

/** What a parser made of a reply: one valid call, or the error to show the model. */
export type ParsedReply =
  | ({ ok: true; call: ToolCall; rawValid: boolean } & Common)
  | ({ ok: false; error: ReplyError; rawValid: false } & Common);
