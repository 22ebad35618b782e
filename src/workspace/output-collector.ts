/**
 * Keeps the head and the tail of a stream of output within a byte budget, so a test run that
 * prints 200 MB costs a few KB of memory and the model still sees the start (the command,
 * the first failure) and the end (the summary).
 */
export class OutputCollector {
  private readonly half: number;
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Every byte offered, kept or not. */
  total = 0;

  constructor(maxBytes: number) {
    this.half = Math.max(1, Math.floor(maxBytes / 2));
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.half) {
      const take = Math.min(this.half - this.headBytes, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    // Copy so that the caller's (possibly large) chunk is not retained by a small slice.
    const piece = rest.length > this.half ? Buffer.from(rest.subarray(rest.length - this.half)) : Buffer.from(rest);
    this.tail.push(piece);
    this.tailBytes += piece.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= this.half) {
      this.tailBytes -= this.tail.shift()?.length ?? 0;
    }
  }

  get truncated(): boolean {
    return this.total > this.headBytes + this.tailBytes;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    let tail = Buffer.concat(this.tail);
    const dropped = this.total - this.headBytes - tail.length;
    if (dropped <= 0 && tail.length <= this.half) return head + tail.toString("utf8");
    if (tail.length > this.half) {
      tail = tail.subarray(tail.length - this.half);
    }
    const omitted = this.total - this.headBytes - tail.length;
    if (omitted <= 0) return head + tail.toString("utf8");
    return `${head}\n[... ${omitted} bytes of output omitted ...]\n${tail.toString("utf8")}`;
  }
}
