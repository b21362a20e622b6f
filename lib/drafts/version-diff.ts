// The difference between two versions of a draft, as plain data the page renders as text. Line diff
// first (bounded in time, since two 2 MB bodies that differ everywhere would take minutes), then a
// word diff inside small changed blocks; long unchanged stretches are folded.
import { diffLines, diffWords } from "diff";

export type WordPart = { kind: "same" | "added" | "removed"; text: string };
export type DiffBlock =
  | { kind: "same"; text: string }
  | { kind: "folded"; lines: number }
  | { kind: "added" | "removed"; text: string }
  /** a block of lines replaced by another, small enough to show which words changed */
  | { kind: "changed"; words: WordPart[] };

export type VersionDiff = { blocks: DiffBlock[]; added: number; removed: number } | { tooLarge: true };

const LINE_DIFF_TIMEOUT_MS = 1500;
const WORD_DIFF_MAX_CHARS = 4000;
const CONTEXT_LINES = 3;

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function fold(text: string, isFirst: boolean, isLast: boolean): DiffBlock[] {
  const lines = splitLines(text);
  const keepHead = isFirst ? 0 : CONTEXT_LINES;
  const keepTail = isLast ? 0 : CONTEXT_LINES;
  if (lines.length <= keepHead + keepTail + 2) return [{ kind: "same", text }];
  const blocks: DiffBlock[] = [];
  if (keepHead) blocks.push({ kind: "same", text: `${lines.slice(0, keepHead).join("\n")}\n` });
  blocks.push({ kind: "folded", lines: lines.length - keepHead - keepTail });
  if (keepTail) blocks.push({ kind: "same", text: `${lines.slice(lines.length - keepTail).join("\n")}\n` });
  return blocks;
}

/** Compares two versions (title and body); `{ tooLarge: true }` when the texts are too different to diff quickly. */
export function diffVersions(a: { title: string; body: string }, b: { title: string; body: string }): VersionDiff {
  const before = `# ${a.title}\n\n${a.body}\n`;
  const after = `# ${b.title}\n\n${b.body}\n`;
  const parts = diffLines(before, after, { timeout: LINE_DIFF_TIMEOUT_MS });
  if (!parts) return { tooLarge: true };
  const blocks: DiffBlock[] = [];
  let added = 0;
  let removed = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (part.added) added += part.count;
    if (part.removed) removed += part.count;
    if (!part.added && !part.removed) {
      blocks.push(...fold(part.value, i === 0, i === parts.length - 1));
      continue;
    }
    if (part.removed && next?.added && part.value.length <= WORD_DIFF_MAX_CHARS && next.value.length <= WORD_DIFF_MAX_CHARS) {
      const words = diffWords(part.value, next.value, { timeout: 200 });
      if (words) {
        added += next.count;
        blocks.push({ kind: "changed", words: words.map((w) => ({ kind: w.added ? "added" : w.removed ? "removed" : "same", text: w.value })) });
        i++;
        continue;
      }
    }
    blocks.push({ kind: part.added ? "added" : "removed", text: part.value });
  }
  return { blocks, added, removed };
}
