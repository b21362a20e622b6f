"use client";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { FormError, Textarea } from "@/components/ui/field";
import { saveMemoryAction } from "../actions";

/** Shows the rendered (sanitized, server-rendered) CLAUDE.md; Edit swaps in the source. */
export function MemoryEditor({ slug, source, rendered }: { slug: string; source: string; rendered: ReactNode | null }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(source);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!editing) {
    return (
      <div>
        <div className="mb-3 flex justify-end">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => {
              setDraft(source);
              setEditing(true);
            }}
          >
            Edit memory
          </Button>
        </div>
        {rendered ?? <p className="text-sm text-zinc-500">This client has no CLAUDE.md yet. Edit to create one.</p>}
      </div>
    );
  }
  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        const result = await saveMemoryAction({ slug, content: draft });
        setBusy(false);
        if (!result.ok) {
          setError(result.fieldErrors?.content?.[0] ?? result.error);
          return;
        }
        setEditing(false);
        setError(null);
        router.refresh();
      }}
    >
      <label htmlFor="memory-source" className="sr-only">
        CLAUDE.md source
      </label>
      <Textarea id="memory-source" value={draft} onChange={(e) => setDraft(e.target.value)} rows={20} spellCheck={false} />
      <div className="mt-3 flex items-center gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save memory"}
        </Button>
        <Button variant="ghost" onClick={() => setEditing(false)}>
          Cancel
        </Button>
        <span className="text-xs text-zinc-500">Saved to clients/{slug}/CLAUDE.md</span>
      </div>
      <div className="mt-2">
        <FormError message={error} />
      </div>
    </form>
  );
}
