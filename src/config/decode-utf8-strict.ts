/**
 * Decodes UTF-8 text, refusing invalid bytes instead of turning them into U+FFFD (a config file
 * with a stray Latin-1 byte should be fixed, not half read). The refusal names the line and
 * column (1-based; the column counts bytes) and the byte found there.
 */
export function decodeUtf8Strict(bytes: Uint8Array): { ok: true; text: string } | { ok: false; line: number; column: number; byte: number } {
  const bad = firstInvalidOffset(bytes);
  if (bad === null) return { ok: true, text: new TextDecoder("utf-8").decode(bytes) };
  const before = bytes.subarray(0, bad);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.reduce((count, byte) => count + (byte === 0x0a ? 1 : 0), 1);
  return { ok: false, line, column: bad - lineStart + 1, byte: bytes[bad] ?? 0 };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629), or null. */
function firstInvalidOffset(bytes: Uint8Array): number | null {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    // [length, lowest and highest allowed second byte]: overlong forms and surrogates are refused.
    const shape: [number, number, number] | null =
      lead < 0x80 ? [1, 0, 0]
      : lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf]
      : lead === 0xed ? [3, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
      : lead === 0xf0 ? [4, 0x90, 0xbf]
      : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
      : lead === 0xf4 ? [4, 0x80, 0x8f]
      : null;
    if (!shape) return i;
    const [length, low, high] = shape;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (next === undefined || next < min || next > max) return i;
    }
    i += length;
  }
  return null;
}
