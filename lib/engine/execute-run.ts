// Runs the steps of a claimed run in order, from the first that has not succeeded. Every write is
// conditional on this worker still holding the run, so a worker that lost its lease changes nothing.
import { prepared, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db";
import { readRunControl } from "@/lib/engine/claim";
import { executeStep, type AttemptRow, type StepContext, type StepResult } from "@/lib/engine/execute-step";
import { insertRunEvent, runEventRow } from "@/lib/engine/run-events";
import { absorbOutput, loadRunState } from "@/lib/engine/run-state";
import { parseStoredJson } from "@/lib/engine/step-output";
import type { StepRunner } from "@/lib/engine/step-runner";
import { RunAbort } from "@/lib/engine/worker-registry";

export type RunOutcome = "succeeded" | "failed" | "waiting" | "cancelled" | "interrupted" | "released" | "lost";
export type ExecuteRunOptions = {
  workerId: string;
  runner: StepRunner;
  signal: AbortSignal;
  /** true when the worker is shutting down: the run goes back to the queue before its next step */
  shouldYield?: () => boolean;
};

function ownedRun(runId: string, workerId: string) {
  return { id: runId, leaseOwner: workerId, status: "running" };
}

// Every write of a run below is conditional on this worker still holding it.
const RUN_OWNED = `"id" = @runId AND "leaseOwner" = @workerId AND "status" = 'running'`;

type RunEnd = { status: "succeeded" | "failed" | "cancelled"; message: string; error: string | null; stepRowId?: string };

/** Ends the run inside a `writeTransaction`; its event is written only when this worker still held it. */
function writeRunEnd(db: Sqlite, runId: string, workerId: string, end: RunEnd, now: Date): void {
  const { changes } = prepared(
    db,
    `UPDATE "Run" SET "status" = @status, "error" = @error, "finishedAt" = @now, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
      "cancelRequested" = CASE WHEN @status = 'cancelled' THEN 1 ELSE "cancelRequested" END, "updatedAt" = @now
    WHERE ${RUN_OWNED}`,
  ).run({ runId, workerId, status: end.status, error: end.error, now: sqlDate(now) });
  if (changes === 1) insertRunEvent(db, runEventRow(runId, "status", end.message, { runStepId: end.stepRowId }), now);
}

async function endRun(runId: string, workerId: string, status: RunEnd["status"], message: string, error: string | null, stepRowId?: string) {
  await writeTransaction((db) => writeRunEnd(db, runId, workerId, { status, message, error, stepRowId }, new Date()));
  return status;
}

/** Marks a pending step running (one commit); false when the step or the run is no longer this worker's. */
async function startStep(runId: string, workerId: string, row: AttemptRow): Promise<boolean> {
  return writeTransaction((db) => {
    const now = new Date();
    const { changes } = prepared(
      db,
      `UPDATE "RunStep" SET "status" = 'running', "startedAt" = @now
      WHERE "id" = @stepRowId AND "status" = 'pending' AND EXISTS (SELECT 1 FROM "Run" WHERE ${RUN_OWNED})`,
    ).run({ runId, workerId, stepRowId: row.id, now: sqlDate(now) });
    if (changes === 0) return false;
    insertRunEvent(db, runEventRow(runId, "status", `Step "${row.stepId}" started${row.attempt > 1 ? ` (attempt ${row.attempt})` : ""}`, { runStepId: row.id }), now);
    return true;
  });
}

/** Hands the run back to the queue between steps (shutdown): the next worker continues it. */
async function releaseRun(runId: string, workerId: string, nextStepId: string): Promise<RunOutcome> {
  await prisma.$transaction([
    prisma.run.updateMany({ where: ownedRun(runId, workerId), data: { status: "queued", leaseOwner: null, leaseExpiresAt: null } }),
    prisma.runEvent.create({ data: runEventRow(runId, "status", `Worker shutting down: step "${nextStepId}" continues when a worker runs again`) }),
  ]);
  return "released";
}

/**
 * Writes how a step ended (and the run, when the step ended it). `endsRun`: the step is the pipeline's
 * last, so its success ends the run in the same commit.
 */
async function recordStepResult(runId: string, workerId: string, row: AttemptRow, result: StepResult, endsRun = false): Promise<RunOutcome | null> {
  const now = new Date();
  const label = `Step "${row.stepId}"`;
  // the step's own writes (its tool call's result) commit with its outcome: one transaction, one fsync
  const writes = result.status === "succeeded" || result.status === "failed" || result.status === "aborted" ? (result.writes ?? []) : [];
  switch (result.status) {
    case "succeeded": {
      const message = `${label} succeeded${result.message ? `: ${result.message}` : ""}`;
      const runEnd: RunEnd = { status: "succeeded", message: "Run succeeded", error: null };
      if (writes.length > 0) {
        await prisma.$transaction([
          ...writes,
          prisma.runStep.updateMany({ where: { id: row.id, status: "running" }, data: { status: "succeeded", finishedAt: now, outputJson: JSON.stringify(result.output), error: null } }),
          prisma.runEvent.create({ data: runEventRow(runId, "status", message, { runStepId: row.id }) }),
          ...(endsRun
            ? [
                prisma.run.updateMany({ where: ownedRun(runId, workerId), data: { status: "succeeded", error: null, finishedAt: now, leaseOwner: null, leaseExpiresAt: null } }),
                prisma.runEvent.create({ data: runEventRow(runId, "status", runEnd.message) }),
              ]
            : []),
        ]);
      } else {
        await writeTransaction((db) => {
          prepared(db, `UPDATE "RunStep" SET "status" = 'succeeded', "finishedAt" = ?, "outputJson" = ?, "error" = NULL WHERE "id" = ? AND "status" = 'running'`).run(
            sqlDate(now), JSON.stringify(result.output), row.id,
          );
          insertRunEvent(db, runEventRow(runId, "status", message, { runStepId: row.id }), now);
          if (endsRun) writeRunEnd(db, runId, workerId, runEnd, now);
        });
      }
      return endsRun ? "succeeded" : null;
    }
    case "failed":
      await prisma.$transaction([
        ...writes,
        prisma.runStep.updateMany({
          where: { id: row.id, status: "running" },
          data: { status: "failed", finishedAt: now, error: result.error, outputJson: result.output ? JSON.stringify(result.output) : null },
        }),
        prisma.run.updateMany({ where: ownedRun(runId, workerId), data: { status: "failed", error: `${label} failed: ${result.error}`, finishedAt: now, leaseOwner: null, leaseExpiresAt: null } }),
        prisma.runEvent.create({ data: runEventRow(runId, "status", `${label} failed: ${result.error}`, { runStepId: row.id }) }),
      ]);
      return "failed";
    case "outcome-unknown":
      await prisma.$transaction([
        prisma.runStep.updateMany({
          where: { id: row.id, status: "running" },
          data: { status: "waiting", error: result.error, outputJson: JSON.stringify({ outcomeUnknown: true, idempotencyKey: result.idempotencyKey }) },
        }),
        prisma.run.updateMany({ where: ownedRun(runId, workerId), data: { status: "waiting", error: `${label}: ${result.error}`, leaseOwner: null, leaseExpiresAt: null } }),
        prisma.runEvent.create({ data: runEventRow(runId, "status", `${label} waits for a human: ${result.error}`, { runStepId: row.id }) }),
      ]);
      return "waiting";
    case "aborted":
      if (result.kind !== "cancel") return result.kind === "shutdown" ? "interrupted" : "lost";
      await prisma.$transaction([
        ...writes,
        prisma.runStep.updateMany({ where: { id: row.id, status: "running" }, data: { status: "cancelled", finishedAt: now, error: "Cancelled" } }),
        prisma.run.updateMany({ where: ownedRun(runId, workerId), data: { status: "cancelled", finishedAt: now, leaseOwner: null, leaseExpiresAt: null } }),
        prisma.runEvent.create({ data: runEventRow(runId, "status", `Cancelled during ${label}`, { runStepId: row.id }) }),
      ]);
      return "cancelled";
    case "waiting":
      return "waiting";
    case "lost":
      return "lost";
  }
}

export async function executeRun(runId: string, options: ExecuteRunOptions): Promise<RunOutcome> {
  const { workerId, runner, signal } = options;
  const state = await loadRunState(runId);
  if (state === "unreadable") return endRun(runId, workerId, "failed", "The stored pipeline or inputs of this run cannot be read", "The stored pipeline or inputs of this run cannot be read");
  if (!state || state.status !== "running" || state.leaseOwner !== workerId) return "lost";
  const { pipeline, rows } = state;
  const ctx: StepContext = {
    runId,
    workerId,
    client: state.client,
    pipelineSlug: pipeline.slug,
    runner,
    signal,
    templates: state.templates,
    approvedVersion: null,
  };

  for (const step of pipeline.steps) {
    const attempts = rows.filter((r) => r.stepId === step.id);
    const row = attempts.at(-1);
    if (!row) return endRun(runId, workerId, "failed", `Step "${step.id}" has no attempt`, `Step "${step.id}" has no attempt`);
    if (row.status === "succeeded") {
      ctx.approvedVersion = absorbOutput(step, parseStoredJson(row.outputJson), ctx.templates) ?? ctx.approvedVersion;
      continue;
    }
    if (row.status === "skipped") continue;
    if (row.status !== "pending") {
      const message = `Step "${step.id}" is ${row.status}, not pending: retry the run to run it again`;
      return endRun(runId, workerId, "failed", message, message);
    }

    const control = await readRunControl(runId);
    if (!control || control.status !== "running" || control.leaseOwner !== workerId) return "lost";
    if (control.cancelRequested || (signal.reason instanceof RunAbort && signal.reason.kind === "cancel")) return endRun(runId, workerId, "cancelled", `Cancelled before step "${step.id}"`, null);
    if (signal.aborted) return "lost";
    if (options.shouldYield?.()) return releaseRun(runId, workerId, step.id);

    if (!(await startStep(runId, workerId, row))) return "lost";

    const result = await executeStep(step, row, attempts, ctx);
    const ended = await recordStepResult(runId, workerId, row, result, step === pipeline.steps.at(-1));
    if (ended) return ended;
    if (result.status === "succeeded") absorbOutput(step, result.output, ctx.templates);
  }
  return endRun(runId, workerId, "succeeded", "Run succeeded", null);
}
