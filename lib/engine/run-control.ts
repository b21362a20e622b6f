// Cancel, retry, and the human decision on a step whose outcome is unknown.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { prisma } from "@/lib/db/client";
import { NotFoundError, SafeError } from "@/lib/errors";
import { insertNextAttemptsSql, requeueIfUnblockedSql } from "@/lib/engine/run-transitions";
import { ADHOC_TRIGGER } from "@/lib/engine/adhoc";
import type { EngineActor } from "@/lib/engine/engine.schema";
import { createRunEvent } from "@/lib/engine/run-events";
import { closeDraftsOfCancelledRun } from "@/lib/drafts/open-draft";
import { attemptMarker } from "@/lib/engine/step-output";
import { abortLocalRun, wakeLocalWorkers } from "@/lib/engine/worker-registry";

async function requireRun(runId: string) {
  const run = await prisma.run.findUnique({ where: { id: runId }, select: { status: true, clientId: true, trigger: true } });
  if (!run) throw new NotFoundError("No such run");
  return run;
}

/** An ad-hoc tool call runs inside the request that made it: there is nothing to cancel, resume or retry. */
async function refuseAdHoc(runId: string, what: "cancelled" | "retried") {
  const run = await requireRun(runId);
  if (run.trigger === ADHOC_TRIGGER) throw new SafeError(`An ad-hoc tool call cannot be ${what}${what === "retried" ? ": call the tool again from /tools" : ""}`, 409);
}

/** A run moves between running, waiting and queued while cancel looks at it; this many looks at most. */
const CANCEL_TRIES = 5;

/**
 * A queued or waiting run is cancelled at once (its pending draft is closed). A running run gets
 * cancelRequested: its worker aborts the running tool call and marks the step and the run cancelled, and
 * a step that would make it wait (an approval, an unknown outcome, a question) ends it cancelled instead.
 * A run that left `running` between the two looks (it started to wait, or went back to the queue) is
 * looked at again: it is cancelled as it is now, never refused as "ended" while it has not.
 */
export async function cancelRun(runId: string, actor: EngineActor): Promise<{ status: "cancelled" | "cancelling" }> {
  await refuseAdHoc(runId, "cancelled");
  const by = actor.label || "someone";
  for (let tries = 1; ; tries++) {
    const status = await cancelAsItIs(runId, by);
    if (status) {
      const run = await requireRun(runId);
      await recordAudit({ actor, action: "run.cancel", targetType: "run", targetId: runId, clientId: run.clientId });
      return { status };
    }
    const run = await requireRun(runId);
    if (!["queued", "waiting", "running"].includes(run.status) || tries >= CANCEL_TRIES) throw new SafeError(`This run has already ended (${run.status})`, 409);
  }
}

/** One look: cancels a queued or waiting run, or asks a running run's worker to; null when it was neither then. */
async function cancelAsItIs(runId: string, by: string): Promise<"cancelled" | "cancelling" | null> {
  const now = new Date();
  const immediate = await prisma.$transaction(async (tx) => {
    const run = await tx.run.updateMany({
      where: { id: runId, status: { in: ["queued", "waiting"] } },
      data: { status: "cancelled", cancelRequested: true, finishedAt: now, leaseOwner: null, leaseExpiresAt: null },
    });
    if (run.count === 0) return false;
    await tx.runStep.updateMany({ where: { runId, status: "waiting" }, data: { status: "cancelled", finishedAt: now, error: "Cancelled" } });
    await closeDraftsOfCancelledRun(tx, runId, by, now);
    return true;
  });
  if (immediate) {
    await createRunEvent(runId, "status", `Cancelled by ${by}`);
    // a queued run resumed after a restart may have an HTTP server's task under way, polled by no one
    if (await prisma.toolTask.count({ where: { toolCall: { runId } } })) await (await import("@/lib/mcp/tasks")).cancelStoredTasks(runId);
    return "cancelled";
  }
  const requested = await prisma.run.updateMany({ where: { id: runId, status: "running" }, data: { cancelRequested: true } });
  if (requested.count === 0) return null;
  await createRunEvent(runId, "status", `Cancel requested by ${by}`);
  abortLocalRun(runId, "cancel");
  return "cancelling";
}

/**
 * Resumes a failed or cancelled run from the step that did not succeed: succeeded steps keep their
 * output and are not run again; the failed step (and any cancelled one) gets a new attempt, each attempt
 * staying in the history. Steps that never started keep their pending attempt.
 */
export async function retryRun(runId: string, actor: EngineActor): Promise<{ id: string }> {
  await refuseAdHoc(runId, "retried");
  const [, updated] = await prisma.$transaction([
    insertNextAttemptsSql(runId, ["failed", "cancelled"]),
    prisma.run.updateMany({
      where: { id: runId, status: { in: ["failed", "cancelled"] } },
      data: { status: "queued", error: null, finishedAt: null, cancelRequested: false, leaseOwner: null, leaseExpiresAt: null },
    }),
    // a heartbeat's run: its result was recorded when it failed; reopened, the retry's result is recorded too.
    // The one HeartbeatEvent write outside lib/heartbeats/events.ts: it must commit with the run's requeue,
    // and the engine may not import the heartbeats (they are above it), so it is plain SQL here.
    prisma.$executeRaw`UPDATE "HeartbeatEvent" SET "durationMs" = NULL
      WHERE "runId" = ${runId} AND "kind" = 'run' AND EXISTS (SELECT 1 FROM "Run" WHERE "id" = ${runId} AND "status" = 'queued')`,
  ]);
  const run = await requireRun(runId);
  if (updated.count === 0) throw new SafeError(`Only failed or cancelled runs can be retried; this run is ${run.status}`, 409);
  await createRunEvent(runId, "status", `Retried by ${actor.label || "someone"}`);
  await recordAudit({ actor, action: "run.retry", targetType: "run", targetId: runId, clientId: run.clientId });
  wakeLocalWorkers();
  return { id: runId };
}

export type ResolveOutcomeInput = { runId: string; stepId: string; action: "retry" | "skip"; actor: EngineActor };

/**
 * For a step waiting with "outcome unknown": after checking the target system, a human either sends the
 * call again (a new attempt with a new idempotency key: the marker `resend` says a human chose it) or
 * skips the step. The run then continues.
 */
export async function resolveUnknownOutcome(input: ResolveOutcomeInput): Promise<{ resolved: boolean }> {
  const row = await prisma.runStep.findFirst({
    where: { runId: input.runId, stepId: input.stepId, status: "waiting", kind: "tool" },
    orderBy: { attempt: "desc" },
    select: { id: true, outputJson: true, run: { select: { clientId: true } } },
  });
  if (!row || !attemptMarker(row.outputJson).outcomeUnknown) throw new SafeError("This step is not waiting for a decision", 409);
  const by = input.actor.label || "someone";
  const now = new Date();
  const note = input.action === "retry" ? `Outcome unknown; ${by} chose to send it again` : `Skipped by ${by} after an unknown outcome`;
  const [updated] = await prisma.$transaction([
    prisma.$executeRaw`
      UPDATE "RunStep" SET "status" = ${input.action === "retry" ? "failed" : "skipped"}, "finishedAt" = ${now}, "error" = ${note},
        "outputJson" = json_set(COALESCE("outputJson", '{}'), '$.resend', json(${input.action === "retry" ? "true" : "false"}))
      WHERE "id" = ${row.id} AND "status" = 'waiting' AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = ${input.runId} AND r."status" = 'waiting')`,
    ...(input.action === "retry" ? [insertNextAttemptsSql(input.runId, ["waiting"], ["failed"])] : []),
    requeueIfUnblockedSql(input.runId, now),
  ]);
  if (updated !== 1) return { resolved: false };
  await prisma.run.updateMany({ where: { id: input.runId, status: "queued" }, data: { error: null } });
  await createRunEvent(input.runId, "status", note, { runStepId: row.id });
  await recordAudit({ actor: input.actor, action: `run.step.${input.action}`, targetType: "run", targetId: input.runId, clientId: row.run.clientId, data: { stepId: input.stepId } });
  wakeLocalWorkers();
  return { resolved: true };
}
