// How deeply Markdown and raw HTML nest. Rendering untrusted Markdown recurses once per level (a stack
// overflow past a few thousand levels, and slow well before), so text nested deeper than
// MAX_RENDER_DEPTH is shown as plain text instead of rendered (components/markdown.tsx, drafts).

export const MAX_RENDER_DEPTH = 100;

const VOID_TAGS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
const TAG_RE = /<(\/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(\/?)>/g;

/** A generous estimate of how deeply Markdown and raw HTML nest in `text` (blockquotes, lists, tags). */
export function nestingDepth(text: string): number {
  let max = 0;
  let inFence = false;
  for (const line of text.split("\n")) {
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const lead = /^[\s>]*/.exec(line)?.[0] ?? "";
    let quotes = 0;
    let spaces = 0;
    for (const ch of lead) {
      if (ch === ">") quotes++;
      else spaces += ch === "\t" ? 4 : 1;
    }
    max = Math.max(max, quotes + Math.floor(spaces / 2));
  }
  let depth = 0;
  // tags are counted everywhere, fences included: an HTML block can swallow a fence line, so
  // skipping fenced text would let nested tags through uncounted
  for (const m of text.matchAll(TAG_RE)) {
    const [, closing, name, selfClosing] = m;
    if (VOID_TAGS.has(name.toLowerCase()) || selfClosing) continue;
    depth = closing ? Math.max(0, depth - 1) : depth + 1;
    if (depth > max) max = depth;
  }
  return max;
}
