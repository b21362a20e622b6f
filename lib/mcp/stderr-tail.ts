// The last bytes a server wrote to stderr, for its row on /tools and its error message. A server that
// floods stderr costs at most `maxBytes` here, however much it writes.
import { redactText } from "@/lib/mcp/redact";

export class StderrTail {
  private chunks: string[] = [];
  private bytes = 0;
  /** true once older output was dropped: the first line kept may be a fragment */
  private clipped = false;

  constructor(private readonly maxBytes = 64 * 1024) {}

  push(chunk: string) {
    if (!chunk) return;
    const piece = chunk.length > this.maxBytes ? chunk.slice(-this.maxBytes) : chunk;
    if (piece !== chunk) this.clipped = true;
    this.chunks.push(piece);
    this.bytes += piece.length;
    while (this.bytes > this.maxBytes && this.chunks.length > 1) {
      this.bytes -= this.chunks.shift()?.length ?? 0;
      this.clipped = true;
    }
  }

  /** Characters held (bounded by maxBytes). */
  get size(): number {
    return this.bytes;
  }

  /** The last `count` non-empty lines, secrets redacted, each at most 2,000 characters. */
  lines(count: number, secrets: readonly string[]): string[] {
    let text = this.chunks.join("");
    // a fragment could hold the tail of a secret that redaction no longer recognises
    if (this.clipped) text = text.slice(text.indexOf("\n") + 1);
    return redactText(text, secrets)
      .split("\n")
      .filter((line) => line.trim())
      .slice(-count)
      .map((line) => line.slice(0, 2000));
  }
}
