// A word diff as React text nodes: <del> for what only run A has, <ins> for what only run B has. Text is
// never HTML here (a draft or an agent's answer may hold markup meant to run); React escapes it.
import type { WordDiff } from "@/lib/engine/word-diff";

const box = "max-h-[32rem] overflow-auto rounded border border-zinc-200 bg-zinc-50 p-3 text-sm whitespace-pre-wrap break-words dark:border-zinc-800 dark:bg-zinc-950";

export function WordDiffView({ diff, a, b, label }: { diff: WordDiff; a: string; b: string; label: string }) {
  if ("tooLarge" in diff) {
    return (
      <div>
        <p className="mb-2 text-xs text-zinc-500">The two texts are too long or too different to diff quickly; here they are side by side.</p>
        <div className="grid gap-3 md:grid-cols-2">
          <div className={box} aria-label={`${label}, run A`}>
            {a}
          </div>
          <div className={box} aria-label={`${label}, run B`}>
            {b}
          </div>
        </div>
      </div>
    );
  }
  return (
    <div>
      <p className="mb-1 text-xs text-zinc-500" aria-label={`${label} changes`}>
        {diff.added === 0 && diff.removed === 0 ? "The same in both runs." : `${diff.removed} word${diff.removed === 1 ? "" : "s"} only in A, ${diff.added} only in B.`}
      </p>
      <div className={box} aria-label={label}>
        {diff.parts.map((part, i) =>
          part.kind === "added" ? (
            <ins key={i} className="bg-green-100 text-green-900 no-underline dark:bg-green-950 dark:text-green-200" title="only in B">
              {part.text}
            </ins>
          ) : part.kind === "removed" ? (
            <del key={i} className="bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200" title="only in A">
              {part.text}
            </del>
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </div>
    </div>
  );
}
