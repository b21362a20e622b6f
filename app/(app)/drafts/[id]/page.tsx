import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/time";
import { Markdown } from "@/components/markdown";
import { requirePageUser } from "@/lib/auth/session";
import { getDraftForReview } from "@/lib/engine/draft-review";
import { draftPreview } from "@/lib/drafts/preview";
import { NotFoundError } from "@/lib/errors";
import { DraftReview } from "./draft-review";

export const metadata: Metadata = { title: "Draft" };

async function load(id: string) {
  try {
    return await getDraftForReview(id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export default async function DraftPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser();
  const { id } = await params;
  const draft = await load(id);
  const effect = draft.approvalEffect;
  const preview = draftPreview(draft.body);
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            <span className="break-all">{draft.title}</span> <StatusBadge status={draft.status} />
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-3">
            <span>version {draft.version}</span>
            {draft.client && (
              <Link className="hover:underline" href={`/clients/${draft.client.slug}`}>
                {draft.client.name}
              </Link>
            )}
            {draft.run && (
              <Link className="hover:underline" href={`/runs/${draft.run.id}`}>
                from run of {draft.run.pipelineName}, step “{draft.stepId}”
              </Link>
            )}
            <span>
              created <RelativeTime value={draft.createdAt} />
            </span>
          </span>
        }
      />
      {draft.status !== "pending" && (
        <p role="status" className="mb-4 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900">
          {draft.status === "approved" ? `Version ${draft.approvedVersion} approved` : "Rejected"} by {draft.decidedByLabel ?? "someone"}
          {draft.decidedAt && (
            <>
              {" "}
              · <RelativeTime value={draft.decidedAt} />
            </>
          )}
          {draft.decisionNote && <>: “{draft.decisionNote}”</>}
        </p>
      )}
      <DraftReview
        draft={{ id: draft.id, title: draft.title, body: draft.body, version: draft.version, status: draft.status }}
        versions={draft.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }))}
        effect={effect && (effect.kind === "continues" ? { ...effect, calls: effect.calls.map((c) => ({ stepId: c.stepId, tool: `${c.server}/${c.tool}`, arguments: c.arguments, note: c.note })) } : effect)}
        preview={
          <>
            {preview.note && (
              <p role="note" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                {preview.note}
              </p>
            )}
            {preview.plainText ? <pre className="font-mono text-xs break-words whitespace-pre-wrap">{preview.source}</pre> : <Markdown source={preview.source} />}
          </>
        }
      />
      <Card title="History" className="mt-5">
        <ol className="space-y-1.5 text-sm" aria-label="Draft history">
          {draft.audit.length === 0 && <li className="text-zinc-500">Created by the pipeline; no edits or decisions yet.</li>}
          {draft.audit.map((a) => (
            <li key={a.id} className="flex flex-wrap justify-between gap-2">
              <span>
                <span className="font-medium">{a.actorLabel || "system"}</span> <span className="text-zinc-500">{a.action.replace("draft.", "")}</span>
                {typeof a.data?.version === "number" && <> version {a.data.version}</>}
                {typeof a.data?.note === "string" && a.data.note && <>: “{a.data.note}”</>}
              </span>
              <span className="text-xs text-zinc-500">
                <RelativeTime value={a.at} />
              </span>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
