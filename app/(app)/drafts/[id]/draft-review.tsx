"use client";
// Reviewing a draft: the sanitized preview (rendered on the server), the source editor (each save a new
// version), a diff between any two versions, the frozen call that approval sends, Approve and Reject.
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useRef, useState, type ReactNode } from "react";
import type { LaterStep } from "@/lib/engine/approval-effect";
import { diffVersions } from "@/lib/drafts/version-diff";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/field";
import { JsonBlock } from "@/components/runs/tool-result";
import { RelativeTime } from "@/components/ui/time";
import { approveDraftAction, rejectDraftAction, saveDraftAction } from "../actions";

type Version = { version: number; title: string; authorLabel: string; createdAt: string };
type EffectCall = { stepId: string; tool: string; arguments: Record<string, unknown> | null; note: string | null };
type Effect = { kind: "no-run" } | { kind: "ends-run" } | { kind: "unknown"; reason: string } | { kind: "continues"; calls: EffectCall[]; then: LaterStep | null };
type Props = { draft: { id: string; title: string; body: string; version: number; status: string }; versions: Version[]; effect: Effect | null; preview: ReactNode };

export function DraftReview({ draft, versions, effect, preview }: Props) {
  const router = useRouter();
  const pending = draft.status === "pending";
  const [tab, setTab] = useState<"preview" | "edit">("preview");
  const [title, setTitle] = useState(draft.title);
  const [body, setBody] = useState(draft.body);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState<"save" | "approve" | "reject" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const rejectDialog = useRef<HTMLDialogElement>(null);
  const [rejectNote, setRejectNote] = useState("");
  const dirty = title !== draft.title || body !== draft.body;

  async function save() {
    setBusy("save");
    const r = await saveDraftAction({ id: draft.id, title, body, baseVersion: draft.version });
    setBusy(null);
    if (!r.ok) return setError(r.fieldErrors?.body?.[0] ?? r.fieldErrors?.title?.[0] ?? r.error);
    setError(null);
    setMessage(`Saved as version ${r.data.version}.`);
    setTab("preview");
    router.refresh();
  }

  async function approve() {
    setBusy("approve");
    const r = await approveDraftAction({ id: draft.id, version: draft.version, note: note || undefined });
    setBusy(null);
    if (!r.ok) return setError(r.error);
    setError(null);
    setMessage(r.data.continued ? `Version ${r.data.version} approved; the run continues.` : `Version ${r.data.version} approved.`);
    router.refresh();
  }

  async function reject() {
    setBusy("reject");
    const r = await rejectDraftAction({ id: draft.id, note: rejectNote });
    setBusy(null);
    if (!r.ok) return setError(r.fieldErrors?.note?.[0] ?? r.error);
    rejectDialog.current?.close();
    setError(null);
    setMessage("Rejected; the run ends as rejected.");
    router.refresh();
  }

  return (
    <div className="grid gap-5 lg:grid-cols-[2fr_1fr]">
      <div className="min-w-0 space-y-5">
        <Card
          title={
            <span role="tablist" className="flex items-center gap-1">
              <button type="button" role="tab" aria-selected={tab === "preview"} className={cn("max-md:min-h-11 max-md:px-2", tab === "preview" ? "font-semibold" : "text-zinc-500")} onClick={() => setTab("preview")}>
                Preview
              </button>
              <span className="text-zinc-300">/</span>
              <button
                type="button"
                role="tab"
                aria-selected={tab === "edit"}
                className={cn("max-md:min-h-11 max-md:px-2", tab === "edit" ? "font-semibold" : "text-zinc-500")}
                onClick={() => setTab("edit")}
                disabled={!pending}
              >
                Edit source
              </button>
            </span>
          }
        >
          {tab === "preview" ? (
            <div data-testid="draft-preview" className="max-h-[70vh] overflow-auto">
              {preview}
            </div>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void save();
              }}
              className="space-y-3"
            >
              <Field label="Title" htmlFor="draft-title">
                <Input id="draft-title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} />
              </Field>
              <Field label="Body (Markdown)" htmlFor="draft-body">
                <Textarea id="draft-body" value={body} onChange={(e) => setBody(e.target.value)} rows={22} spellCheck />
              </Field>
              <div className="flex flex-wrap items-center gap-2">
                <Button type="submit" disabled={!dirty || busy !== null}>
                  {busy === "save" ? "Saving…" : "Save as new version"}
                </Button>
                <Button
                  variant="ghost"
                  onClick={() => {
                    setTitle(draft.title);
                    setBody(draft.body);
                    setTab("preview");
                  }}
                >
                  Discard changes
                </Button>
              </div>
            </form>
          )}
        </Card>
        <VersionDiff key={versions.length} draftId={draft.id} versions={versions} />
      </div>
      <div className="min-w-0 space-y-5">
        {pending && effect && (
          <Card title="What happens on approval">
            <ApprovalEffectView effect={effect} />
          </Card>
        )}
        {pending && (
          <Card title={`Decide on version ${draft.version}`}>
            <div className="space-y-3">
              {dirty && <p className="text-xs text-amber-700 dark:text-amber-400">You have unsaved edits: save them first, or approve the version shown.</p>}
              <Field label="Note (optional)" htmlFor="approve-note">
                <Input id="approve-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
              </Field>
              <div className="flex flex-wrap gap-2">
                <Button onClick={() => void approve()} disabled={busy !== null}>
                  {busy === "approve" ? "Approving…" : `Approve version ${draft.version}`}
                </Button>
                <Button variant="secondary" onClick={() => rejectDialog.current?.showModal()} disabled={busy !== null}>
                  Reject…
                </Button>
              </div>
            </div>
          </Card>
        )}
        <FormError message={error} />
        {message && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            {message}
          </p>
        )}
      </div>
      <dialog
        ref={rejectDialog}
        aria-label="Reject draft"
        className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void reject();
          }}
          className="space-y-3"
        >
          <h2 className="font-semibold">Reject this draft?</h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">The run ends as rejected and nothing after this step is sent.</p>
          <Field label="Why (required)" htmlFor="reject-note">
            <Textarea id="reject-note" className="font-sans" rows={3} value={rejectNote} onChange={(e) => setRejectNote(e.target.value)} required maxLength={2000} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" size="sm" onClick={() => rejectDialog.current?.close()}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" size="sm" disabled={!rejectNote.trim() || busy !== null}>
              Reject draft
            </Button>
          </div>
        </form>
      </dialog>
    </div>
  );
}

function ApprovalEffectView({ effect }: { effect: Effect }) {
  const muted = "text-sm text-zinc-600 dark:text-zinc-400";
  if (effect.kind === "no-run") return <p className={muted}>This draft is not part of a run: approving records the decision only.</p>;
  if (effect.kind === "ends-run") return <p className={muted}>Approval ends the run; nothing else is sent.</p>;
  if (effect.kind === "unknown") return <p className={muted}>{effect.reason}</p>;
  return (
    <ol className="space-y-3 text-sm">
      {effect.calls.map((c) => (
        <li key={c.stepId}>
          <p>
            Step “{c.stepId}” calls <code className="font-mono text-xs font-semibold">{c.tool}</code> with:
          </p>
          {c.arguments ? <JsonBlock value={c.arguments} label={`Arguments for ${c.tool}`} /> : <p className="text-xs text-zinc-500">{c.note}</p>}
        </li>
      ))}
      {effect.then && <li className={muted}>Then {effect.then.summary}.</li>}
      {effect.calls.length === 0 && !effect.then && <li className={muted}>The run continues.</li>}
    </ol>
  );
}

type VersionBody = { version: number; title: string; body: string };

async function fetchVersion(draftId: string, version: number): Promise<VersionBody> {
  const res = await fetch(`/api/drafts/${encodeURIComponent(draftId)}/versions/${version}`, { headers: { accept: "application/json" } });
  const data = (await res.json().catch(() => null)) as (VersionBody & { error?: string }) | null;
  if (!res.ok || !data) throw new Error(data?.error ?? `Could not load version ${version} (HTTP ${res.status})`);
  return data;
}

function useVersion(draftId: string, version: number, enabled: boolean) {
  // a version never changes once written
  return useQuery({ queryKey: ["draft-version", draftId, version], queryFn: () => fetchVersion(draftId, version), enabled, staleTime: Infinity });
}

function VersionDiff({ draftId, versions }: { draftId: string; versions: Version[] }) {
  const [a, setA] = useState(versions.length > 1 ? versions.at(-2)!.version : (versions[0]?.version ?? 1));
  const [b, setB] = useState(versions.at(-1)?.version ?? 1);
  const comparing = versions.length > 1;
  const left = useVersion(draftId, a, comparing);
  const right = useVersion(draftId, b, comparing);
  const diff = useMemo(() => (left.data && right.data ? diffVersions(left.data, right.data) : null), [left.data, right.data]);
  const failed = left.error ?? right.error;
  return (
    <Card title="Versions">
      <ul className="mb-3 space-y-1 text-sm" aria-label="Versions">
        {versions.map((v) => (
          <li key={v.version} className="flex justify-between gap-2">
            <span>
              v{v.version} by {v.authorLabel || "pipeline"}
            </span>
            <span className="text-xs text-zinc-500">
              <RelativeTime value={v.createdAt} />
            </span>
          </li>
        ))}
      </ul>
      {comparing && (
        <>
          <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor="diff-a">Compare</label>
            <Select id="diff-a" className="w-24" value={a} onChange={(e) => setA(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </Select>
            <label htmlFor="diff-b">with</label>
            <Select id="diff-b" className="w-24" value={b} onChange={(e) => setB(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </Select>
            {diff && !("tooLarge" in diff) && (
              <span className="text-xs text-zinc-500">
                +{diff.added} / −{diff.removed} lines
              </span>
            )}
          </div>
          {failed ? (
            <FormError message={failed.message} />
          ) : !diff ? (
            <p className="text-sm text-zinc-500" role="status">
              Loading versions…
            </p>
          ) : "tooLarge" in diff ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">These versions differ too much to compare line by line quickly. Open each in the source view instead.</p>
          ) : (
            <pre aria-label="Diff" className="max-h-96 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-950">
              {/* biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every block kind (TypeScript checks it) */}
              {diff.blocks.map((block, i) => {
                switch (block.kind) {
                  case "same":
                    return <span key={i}>{block.text}</span>;
                  case "folded":
                    return (
                      <span key={i} className="my-1 block text-zinc-500 italic">
                        … {block.lines} unchanged lines …
                      </span>
                    );
                  case "added":
                    return <Added key={i} text={block.text} />;
                  case "removed":
                    return <Removed key={i} text={block.text} />;
                  case "changed":
                    return (
                      <span key={i}>{block.words.map((w, j) => (w.kind === "added" ? <Added key={j} text={w.text} /> : w.kind === "removed" ? <Removed key={j} text={w.text} /> : <span key={j}>{w.text}</span>))}</span>
                    );
                }
              })}
            </pre>
          )}
        </>
      )}
    </Card>
  );
}

function Added({ text }: { text: string }) {
  return <ins className="bg-emerald-100 text-emerald-900 no-underline dark:bg-emerald-950 dark:text-emerald-200">{text}</ins>;
}

function Removed({ text }: { text: string }) {
  return <del className="bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200">{text}</del>;
}
