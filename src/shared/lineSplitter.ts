const NEWLINE = 0x0a;

/** What a chunk completed: a line's bytes (its newline left off), or word that a line grew past the limit. */
export type SplitLine = Buffer | 'overlong';

/**
 * Splits a byte stream into lines, in linear time: a line is assembled once from the chunks
 * it came in. A line longer than `maxBytes` is never held: it is reported as `overlong` the
 * moment it passes the limit, and the rest of it is skipped as it streams past.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while the rest of an overlong line is being skipped. */
  private skipping = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      this.take(chunk.subarray(start, newline), out);
      if (!this.skipping) out.push(Buffer.concat(this.pending, this.pendingBytes));
      this.reset();
      start = newline + 1;
    }
    this.take(chunk.subarray(start), out);
    return out;
  }

  /** The last line, when the stream ended without a newline after it. */
  end(): Buffer[] {
    const last = this.skipping || this.pendingBytes === 0 ? [] : [Buffer.concat(this.pending, this.pendingBytes)];
    this.reset();
    return last;
  }

  private take(piece: Buffer, out: SplitLine[]): void {
    if (this.skipping || piece.length === 0) return;
    if (this.pendingBytes + piece.length > this.maxBytes) {
      this.reset();
      this.skipping = true;
      out.push('overlong');
      return;
    }
    this.pending.push(piece);
    this.pendingBytes += piece.length;
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }
}
