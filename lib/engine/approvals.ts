// What the drafts module calls when a draft made by an approval step is decided. Each is one batch of
// conditional statements: under any number of concurrent calls, exactly one continues (or rejects).
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { requeueIfUnblockedSql } from "@/lib/engine/claim";
import type { ApprovalStepOutput, EngineActor } from "@/lib/engine/engine.schema";
import { createRunEvent } from "@/lib/engine/run-events";
import { wakeLocalWorkers } from "@/lib/engine/worker-registry";

async function draftLink(draftId: string) {
  const draft = await prisma.draft.findUnique({ where: { id: draftId }, select: { runId: true, runStepId: true } });
  if (!draft) throw new NotFoundError("No such draft");
  return draft;
}

export type ContinueAfterApprovalInput = { draftId: string; version: number; title: string; body: string; actor: EngineActor };

/**
 * Marks the waiting approval step succeeded with the approved version ({title, body, version, text}) and
 * re-queues its run. Returns continued: false when the step was already decided (a double click, a
 * replayed request) or its run is no longer waiting (cancelled).
 */
export async function continueAfterApproval(input: ContinueAfterApprovalInput): Promise<{ continued: boolean; runId: string | null }> {
  const { runId, runStepId } = await draftLink(input.draftId);
  if (!runId || !runStepId) return { continued: false, runId };
  const output: ApprovalStepOutput = { title: input.title, body: input.body, version: input.version, text: input.body };
  const now = new Date();
  const [stepUpdated] = await prisma.$transaction([
    prisma.$executeRaw`
      UPDATE "RunStep" SET "status" = 'succeeded', "finishedAt" = ${now}, "outputJson" = ${JSON.stringify(output)}, "error" = NULL
      WHERE "id" = ${runStepId} AND "status" = 'waiting' AND "kind" = 'approval'
        AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = "RunStep"."runId" AND r."status" = 'waiting')`,
    requeueIfUnblockedSql(runId, now),
  ]);
  if (stepUpdated !== 1) return { continued: false, runId };
  await createRunEvent(runId, "status", `Version ${input.version} approved by ${input.actor.label || "someone"}; the run continues`, { runStepId });
  wakeLocalWorkers();
  return { continued: true, runId };
}

export type RejectRunInput = { draftId: string; note?: string | null; actor: EngineActor };

/** Ends the run as rejected and its approval step as failed. rejected: false when already decided. */
export async function rejectRun(input: RejectRunInput): Promise<{ rejected: boolean; runId: string | null }> {
  const { runId, runStepId } = await draftLink(input.draftId);
  if (!runId || !runStepId) return { rejected: false, runId };
  const note = input.note?.trim().slice(0, 2000) ?? "";
  const reason = `Rejected by ${input.actor.label || "someone"}${note ? `: ${note}` : ""}`;
  const now = new Date();
  const [stepUpdated] = await prisma.$transaction([
    prisma.$executeRaw`
      UPDATE "RunStep" SET "status" = 'failed', "finishedAt" = ${now}, "error" = ${reason}
      WHERE "id" = ${runStepId} AND "status" = 'waiting' AND "kind" = 'approval'
        AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = "RunStep"."runId" AND r."status" = 'waiting')`,
    prisma.$executeRaw`
      UPDATE "Run" SET "status" = 'rejected', "finishedAt" = ${now}, "error" = ${reason}, "updatedAt" = ${now}
      WHERE "id" = ${runId} AND "status" = 'waiting'
        AND NOT EXISTS (SELECT 1 FROM "RunStep" s WHERE s."runId" = "Run"."id" AND s."status" = 'waiting')`,
  ]);
  if (stepUpdated !== 1) return { rejected: false, runId };
  await createRunEvent(runId, "status", reason, { runStepId });
  return { rejected: true, runId };
}
