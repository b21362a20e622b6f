// A word diff of two texts as plain data the page renders as text nodes (never HTML). Bounded: two long
// texts that differ everywhere would take minutes, so past a size or a time budget the caller is told
// the texts are too different to diff and shows them side by side instead.
import { diffWords } from "diff";

export type WordPart = { kind: "same" | "added" | "removed"; text: string };
export type WordDiff = { parts: WordPart[]; added: number; removed: number } | { tooLarge: true };

const WORD_DIFF_MAX_CHARS = 200_000;
const WORD_DIFF_TIMEOUT_MS = 1_500;

// words as a reader counts them: punctuation that diffWords treats as a token of its own is not one
const wordsIn = (text: string) => text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;

/** `a` -> `b`: removed words are `a`'s, added words `b`'s; `added`/`removed` count words. */
export function wordDiff(a: string, b: string): WordDiff {
  if (a === b) return { parts: a ? [{ kind: "same", text: a }] : [], added: 0, removed: 0 };
  if (a.length + b.length > WORD_DIFF_MAX_CHARS) return { tooLarge: true };
  const changes = diffWords(a, b, { timeout: WORD_DIFF_TIMEOUT_MS });
  if (!changes) return { tooLarge: true };
  let added = 0;
  let removed = 0;
  const parts = changes.map((c): WordPart => {
    if (c.added) added += wordsIn(c.value);
    if (c.removed) removed += wordsIn(c.value);
    return { kind: c.added ? "added" : c.removed ? "removed" : "same", text: c.value };
  });
  return { parts, added, removed };
}
