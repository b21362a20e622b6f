// No run stays "running" forever: a run whose lease expired (its worker died) is taken over by one
// recoverer, its running step becomes an interrupted attempt, and the run is resumed with a new attempt
// (which reuses the interrupted attempt's idempotency key) or, after repeated interruptions, failed.
import "server-only";
import { randomUUID } from "node:crypto";
import { prisma, writeTransaction } from "@/lib/db/client";
import { ADHOC_TRIGGER } from "@/lib/engine/adhoc";
import { abandonHeldWaits } from "@/lib/engine/input-waits";
import { endRunNow, leaseExpired, requeueIfUnblockedSql, requeueRun, takeOverRun } from "@/lib/engine/run-transitions";
import { attemptMarker } from "@/lib/engine/step-output";
import { cancelStoredTasks } from "@/lib/mcp/tasks";

/** After this many interruptions of the same step, the run fails (retry offered) instead of resuming. */
export const MAX_AUTO_RESUMES = 3;
const INTERRUPTED = JSON.stringify({ interrupted: true });
const STEP_INTERRUPTED = "Interrupted: the worker stopped while this step ran";

export type RecoveryReport = { resumed: string[]; failed: string[]; cancelled: string[] };

/** Each outcome is a transition of lib/engine/run-transitions.ts, made only while `recoverer` holds the run it took over. */
async function recoverRun(runId: string, recoverer: string, leaseMs: number, now: Date): Promise<"resumed" | "failed" | "cancelled" | null> {
  if (!(await takeOverRun(runId, recoverer, leaseMs, now))) return null; // another worker is recovering it, or its worker came back

  const run = await prisma.run.findUnique({ where: { id: runId }, select: { cancelRequested: true, trigger: true } });
  if (run?.trigger === ADHOC_TRIGGER) {
    // a call from /tools or the API runs in the request that made it: there is nothing to resume
    const error = "Interrupted: Switchboard stopped during this call. Its outcome is unknown; call it again from /tools if needed.";
    const ended = await endRunNow(runId, recoverer, { status: "failed", message: error, error, runningSteps: { status: "failed", error, startedCallsError: error } }, now);
    return ended ? "failed" : null;
  }
  if (run?.cancelRequested) {
    // cancel was asked for while its worker was dead: nothing to resume
    const ended = await endRunNow(runId, recoverer, { status: "cancelled", message: "Cancelled (its worker had stopped)", error: null, runningSteps: { status: "cancelled", error: "Cancelled" } }, now);
    if (ended) await cancelStoredTasks(runId); // an HTTP server's task outlived its worker
    return ended ? "cancelled" : null;
  }
  const running = await prisma.runStep.findMany({ where: { runId, status: "running" }, select: { id: true, stepId: true } });
  const history = await prisma.runStep.findMany({
    where: { runId, stepId: { in: running.map((r) => r.stepId) }, status: "failed" },
    select: { stepId: true, outputJson: true },
  });
  const interruptions = (stepId: string) => 1 + history.filter((h) => h.stepId === stepId && attemptMarker(h.outputJson).interrupted).length;
  const worst = Math.max(0, ...running.map((r) => interruptions(r.stepId)));
  const names = running.map((r) => `"${r.stepId}"`).join(", ");

  if (worst >= MAX_AUTO_RESUMES) {
    const error = `Interrupted: the worker stopped during step ${names} ${worst} times. Retry to resume from that step.`;
    const ended = await endRunNow(runId, recoverer, { status: "failed", message: error, error, runningSteps: { status: "failed", error: STEP_INTERRUPTED, outputJson: INTERRUPTED } }, now);
    return ended ? "failed" : null;
  }
  const message = running.length ? `Resumed after the worker stopped during step ${names}` : "Resumed after the worker stopped between steps";
  const requeued = await writeTransaction((db) => requeueRun(db, runId, recoverer, message, { interruptedSteps: STEP_INTERRUPTED }, now));
  return requeued ? "resumed" : null;
}

/**
 * Finds runs whose lease expired while running and resumes or fails each; also re-queues a waiting run
 * that no longer has a waiting step. Safe to call from several workers at once. `skip`: runs the caller
 * is executing itself (a worker whose lease ran out while it slept leaves its own runs to their executors).
 */
export async function recoverInterruptedRuns(options: { recoverer?: string; leaseMs?: number; now?: Date; skip?: (runId: string) => boolean } = {}): Promise<RecoveryReport> {
  const now = options.now ?? new Date();
  const recoverer = options.recoverer ?? `recovery-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const report: RecoveryReport = { resumed: [], failed: [], cancelled: [] };
  const stale = await prisma.run.findMany({ where: leaseExpired(now), select: { id: true }, orderBy: { createdAt: "asc" }, take: 200 });
  const skip = options.skip ?? (() => false);
  for (const { id } of stale) {
    if (skip(id)) continue;
    const outcome = await recoverRun(id, recoverer, leaseMs, now);
    if (outcome) report[outcome].push(id);
  }
  // an old-style input wait whose worker is gone ends as an interrupted call (lib/engine/input-waits.ts)
  report.resumed.push(...(await abandonHeldWaits(now, skip)));
  const waiting = await prisma.run.findMany({ where: { status: "waiting", steps: { none: { status: "waiting" } } }, select: { id: true }, take: 200 });
  for (const { id } of waiting) await requeueIfUnblockedSql(id, now);
  return report;
}
