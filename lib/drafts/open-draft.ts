// Draft rows the engine asks for, written inside the engine's own transaction: a draft opened at an
// approval step (so a run never waits without its draft, and a worker that lost its lease opens none),
// and the pending drafts of a cancelled run closed. lib/drafts owns the Draft table; nothing else writes it.
// Opening a draft also writes its draft.waiting notification to the outbox, in the same transaction.
import "server-only";
import { prisma } from "@/lib/db/client";
import { createOutboxRow } from "@/lib/db/outbox";
import { DRAFT_BODY_MAX_BYTES, DRAFT_TITLE_MAX_CHARS } from "@/lib/drafts/drafts.schema";
import type { Tx } from "@/lib/drafts/decision";

export type OpenDraftRequest = {
  runId: string;
  runStepId: string;
  stepId: string;
  clientId: string | null;
  pipelineSlug: string;
  title: string;
  body: string;
};

/** Why this body cannot become a draft, or null. Checked before the step waits. */
export function draftBodyRefusal(body: string): string | null {
  const bytes = Buffer.byteLength(body);
  if (bytes <= DRAFT_BODY_MAX_BYTES) return null;
  return `The draft body is ${Math.ceil(bytes / 1024)} KB; a draft may be at most ${DRAFT_BODY_MAX_BYTES / 1024 / 1024} MB`;
}

/** A pipeline's rendered title, one line and bounded; the fallback names the pipeline and step. */
export function draftTitle(rendered: string, fallback: string): string {
  let title = rendered.replace(/\s+/g, " ").trim();
  if (title.length > DRAFT_TITLE_MAX_CHARS) title = `${title.slice(0, DRAFT_TITLE_MAX_CHARS - 1)}…`;
  return title || fallback;
}

/**
 * Opens version 1 of the draft for a run's approval step. The unique index on Draft.runStepId makes a
 * second draft for the same step attempt impossible, whatever the callers do.
 */
export async function openDraft(tx: Tx, req: OpenDraftRequest, now = new Date()): Promise<{ id: string }> {
  const draft = await tx.draft.create({
    data: {
      runId: req.runId,
      runStepId: req.runStepId,
      stepId: req.stepId,
      clientId: req.clientId,
      pipelineSlug: req.pipelineSlug,
      title: req.title,
      body: req.body,
      status: "pending",
      version: 1,
      versions: { create: { version: 1, title: req.title, body: req.body, authorLabel: "pipeline" } },
    },
    select: { id: true },
  });
  await createOutboxRow(tx, {
    event: "draft.waiting",
    dedupeKey: `draft.waiting:${draft.id}`,
    clientId: req.clientId,
    title: `A draft waits: ${req.title}`,
    text: `${req.pipelineSlug} (step ${req.stepId}) waits for approval of "${req.title}".`,
    path: `/drafts/${draft.id}`,
    at: now,
  });
  return draft;
}

/** Rejects the pending drafts of a run that was cancelled: there is nothing left to approve. */
export async function closeDraftsOfCancelledRun(tx: Tx, runId: string, by: string, now: Date): Promise<number> {
  const { count } = await tx.draft.updateMany({
    where: { runId, status: "pending" },
    data: { status: "rejected", decisionNote: "The run was cancelled", decidedAt: now, decidedByLabel: by },
  });
  return count;
}

/** The drafts of a run's approval steps, for the run page's links. */
export async function listDraftsOfRun(runId: string) {
  return prisma.draft.findMany({ where: { runId }, select: { id: true, runStepId: true, status: true } });
}
