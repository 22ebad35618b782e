/**
 * A turn's note with the reply families the repair layer recognized in it (`gpt-oss Harmony`,
 * `Gemma 4 call syntax`, …), so the report says which syntax a repaired or re-asked turn was
 * written in without adding intervention kinds to the report's fixed list.
 */
export function noteReplyFamilies(note: string | null, families: readonly string[]): string | null {
  if (families.length === 0) return note;
  const tag = `reply family: ${families.join(", ")}`;
  return note === null ? tag : `${note} (${tag})`;
}
