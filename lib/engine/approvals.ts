// How a draft's decision reaches its run: the engine's one entry point for lib/drafts. The draft's own
// write and the run's continuation commit in ONE transaction, so a crash can never leave a decided
// draft beside a run that waits forever, and under any number of concurrent decisions exactly one
// continues (or rejects) the run.
import "server-only";
import { prisma } from "@/lib/db/client";
import type { DecisionResult, DraftDecision } from "@/lib/drafts/decision";
import { approveDraft, rejectDraft } from "@/lib/drafts/drafts";
import { requeueIfUnblockedSql } from "@/lib/engine/run-transitions";
import type { ApprovalStepOutput } from "@/lib/engine/engine.schema";
import { runEventRow } from "@/lib/engine/run-events";
import { wakeLocalWorkers } from "@/lib/engine/worker-registry";

/**
 * Records the decision (`decision.record`, the draft's compare-and-swap) and, when it won, moves the
 * waiting approval step on: approved -> the step succeeds with the approved version ({title, body,
 * version, text}) and the run is re-queued; rejected -> the step fails and the run ends as rejected.
 * continued: false when the step was no longer waiting (its run was cancelled) or the draft has no run.
 */
export async function applyDraftDecision(decision: DraftDecision): Promise<DecisionResult> {
  const { runId, runStepId, outcome } = decision;
  const by = decision.actor.label || "someone";
  const now = new Date();
  const result = await prisma.$transaction(async (tx) => {
    if (!(await decision.record(tx))) return { recorded: false, continued: false };
    if (!runId || !runStepId) return { recorded: true, continued: false };
    if (outcome.kind === "approved") {
      const output: ApprovalStepOutput = { title: outcome.title, body: outcome.body, version: outcome.version, text: outcome.body };
      const step = await tx.$executeRaw`
        UPDATE "RunStep" SET "status" = 'succeeded', "finishedAt" = ${now}, "outputJson" = ${JSON.stringify(output)}, "error" = NULL
        WHERE "id" = ${runStepId} AND "status" = 'waiting' AND "kind" = 'approval'
          AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = "RunStep"."runId" AND r."status" = 'waiting')`;
      if (step !== 1) return { recorded: true, continued: false };
      await requeueIfUnblockedSql(runId, now, tx);
      await tx.runEvent.create({ data: runEventRow(runId, "status", `Version ${outcome.version} approved by ${by}; the run continues`, { runStepId }) });
      return { recorded: true, continued: true };
    }
    const note = outcome.note.trim().slice(0, 2000);
    const reason = `Rejected by ${by}${note ? `: ${note}` : ""}`;
    const step = await tx.$executeRaw`
      UPDATE "RunStep" SET "status" = 'failed', "finishedAt" = ${now}, "error" = ${reason}
      WHERE "id" = ${runStepId} AND "status" = 'waiting' AND "kind" = 'approval'
        AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = "RunStep"."runId" AND r."status" = 'waiting')`;
    if (step !== 1) return { recorded: true, continued: false };
    await tx.$executeRaw`
      UPDATE "Run" SET "status" = 'rejected', "finishedAt" = ${now}, "error" = ${reason}, "updatedAt" = ${now}
      WHERE "id" = ${runId} AND "status" = 'waiting'
        AND NOT EXISTS (SELECT 1 FROM "RunStep" s WHERE s."runId" = "Run"."id" AND s."status" = 'waiting')`;
    await tx.runEvent.create({ data: runEventRow(runId, "status", reason, { runStepId }) });
    return { recorded: true, continued: true };
  });
  if (result.continued && outcome.kind === "approved") wakeLocalWorkers();
  return { ...result, runId };
}

type DecisionActor = Parameters<typeof approveDraft>[2];

/**
 * Approves one version of a draft and continues its run, exactly once: what the /drafts page's action
 * and POST /api/drafts/:id/approve both call.
 */
export function approveDraftAndContinue(id: string, input: unknown, actor: DecisionActor) {
  return approveDraft(id, input, actor, applyDraftDecision);
}

/** Rejects a draft and ends its run as rejected, exactly once: the page's action and POST /api/drafts/:id/reject. */
export function rejectDraftAndEndRun(id: string, input: unknown, actor: DecisionActor) {
  return rejectDraft(id, input, actor, applyDraftDecision);
}
