// What part of a draft the page renders as Markdown. Rendering is synchronous work on the server
// (about 6 ms per KB of markup-heavy text, far worse for deep nesting, and a stack overflow past a
// few thousand levels), so a hostile or huge body must not stall the server or break the page: the
// preview renders at most PREVIEW_MAX_CHARS, and deeply nested text is shown as plain text instead.
// The whole body is always in the source view, and approval always sends the whole body.

import { MAX_RENDER_DEPTH, nestingDepth } from "@/lib/markdown-nesting";

export const PREVIEW_MAX_CHARS = 64 * 1024;
export const PREVIEW_MAX_DEPTH = MAX_RENDER_DEPTH;

export type DraftPreview = {
  /** what to render: Markdown unless `plainText`, then shown verbatim as text */
  source: string;
  plainText: boolean;
  /** why the preview is not the whole body rendered, for a note above it; null when it is */
  note: string | null;
};

function cutAt(body: string, max: number): string {
  const head = body.slice(0, max);
  const paragraph = head.lastIndexOf("\n\n");
  if (paragraph > max * 0.75) return head.slice(0, paragraph);
  const line = head.lastIndexOf("\n");
  return line > max * 0.75 ? head.slice(0, line) : head;
}

export function draftPreview(body: string): DraftPreview {
  const truncated = body.length > PREVIEW_MAX_CHARS;
  const source = truncated ? cutAt(body, PREVIEW_MAX_CHARS) : body;
  const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;
  const sizeNote = truncated ? `The preview shows the first ${kb(source.length)} of ${kb(body.length)}; the whole text is in the source view and is what approval sends.` : null;
  if (nestingDepth(source) > PREVIEW_MAX_DEPTH) {
    return { source, plainText: true, note: `This text nests more than ${PREVIEW_MAX_DEPTH} levels deep, so it is shown as plain text, not rendered.${sizeNote ? ` ${sizeNote}` : ""}` };
  }
  return { source, plainText: false, note: sizeNote };
}
