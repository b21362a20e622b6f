// Runs the steps of a claimed run in order, from the first that has not succeeded. Every write is
// conditional on this claim still holding the run, so an executor that lost its lease (taken over, or the
// run requeued and claimed again, even by the same worker) changes nothing.
import "server-only";
import { prepared, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import { cancelRequestedWhileHeld, endRun, endRunNow, parkRun, readRunControl, requeueRun, RUN_HELD, type RunEnd } from "@/lib/engine/run-transitions";
import { executeStep } from "@/lib/engine/execute-step";
import { parkForInput } from "@/lib/engine/input-waits";
import type { AttemptRow, StepContext, StepResult } from "@/lib/engine/step-types";
import { preflightRun } from "@/lib/engine/preflight";
import { insertRunEvent, runEventRow } from "@/lib/engine/run-events";
import { absorbOutput, loadRunState } from "@/lib/engine/run-state";
import { parseStoredJson } from "@/lib/db/stored-json";
import type { ToolStepRunner } from "@/lib/engine/tool-step-runner";
import { RunAbort } from "@/lib/engine/worker-registry";

export type RunOutcome = "succeeded" | "failed" | "waiting" | "cancelled" | "interrupted" | "released" | "lost";
export type ExecuteRunOptions = {
  /** the run's lease holder: the worker's claim of it (`<worker id>:<claim id>`), not the worker itself */
  workerId: string;
  runner: ToolStepRunner;
  signal: AbortSignal;
  /** true when the worker is shutting down: the run goes back to the queue before its next step */
  shouldYield?: () => boolean;
};

// Every write of a run below is conditional on this worker still holding it (lib/engine/run-transitions.ts).
async function finish(runId: string, workerId: string, status: RunEnd["status"], message: string, error: string | null): Promise<RunOutcome> {
  await endRunNow(runId, workerId, { status, message, error });
  return status;
}

/** Marks a pending step running, inside a `writeTransaction`; false when the step or the run is no longer this worker's. */
function writeStepStart(db: Sqlite, runId: string, workerId: string, row: AttemptRow): boolean {
  const now = new Date();
  const { changes } = prepared(
    db,
    `UPDATE "RunStep" SET "status" = 'running', "startedAt" = @now
    WHERE "id" = @stepRowId AND "status" = 'pending' AND EXISTS (SELECT 1 FROM "Run" WHERE ${RUN_HELD})`,
  ).run({ runId, owner: workerId, stepRowId: row.id, now: sqlDate(now) });
  if (changes === 0) return false;
  insertRunEvent(db, runEventRow(runId, "status", `Step "${row.stepId}" started${row.attempt > 1 ? ` (attempt ${row.attempt})` : ""}`, { runStepId: row.id }), now);
  return true;
}

/** Hands the run back to the queue between steps (shutdown): the next worker continues it. */
async function releaseRun(runId: string, workerId: string, nextStepId: string): Promise<RunOutcome> {
  const released = await writeTransaction((db) => requeueRun(db, runId, workerId, `Worker shutting down: step "${nextStepId}" continues when a worker runs again`));
  return released ? "released" : "lost";
}

/**
 * The step's end, when the step is still this worker's: running, or still pending when it ended before
 * its start was recorded (a tool step's start commits with its call's record, after the tool was found
 * and its arguments checked, so a refusal ends a step that never started).
 */
function writeStepEnd(db: Sqlite, runId: string, workerId: string, row: AttemptRow, now: Date, end: { status: string; error: string | null; outputJson: string | null; finished: boolean }): boolean {
  const { changes } = prepared(
    db,
    `UPDATE "RunStep" SET "status" = @status, "error" = @error, "outputJson" = @outputJson, "startedAt" = COALESCE("startedAt", @now),
      "finishedAt" = CASE WHEN @finished = 1 THEN @now ELSE "finishedAt" END
    WHERE "id" = @stepRowId AND ("status" = 'running' OR ("status" = 'pending' AND EXISTS (SELECT 1 FROM "Run" WHERE ${RUN_HELD})))`,
  ).run({ runId, owner: workerId, stepRowId: row.id, now: sqlDate(now), status: end.status, error: end.error, outputJson: end.outputJson, finished: end.finished ? 1 : 0 });
  return changes === 1;
}

/**
 * A step that would make the run wait (outcome unknown, input needed) after a cancel was asked for while
 * it ran (cancelRun saw the run running and set the flag; the step's end came before the worker aborted
 * it): the step and the run end cancelled, as cancelRun ends a waiting run. False when there was no cancel.
 */
function cancelInsteadOfWaiting(db: Sqlite, runId: string, workerId: string, row: AttemptRow, now: Date, outputJson: string | null): boolean {
  if (!cancelRequestedWhileHeld(db, runId, workerId)) return false;
  writeStepEnd(db, runId, workerId, row, now, { status: "cancelled", error: "Cancelled", outputJson, finished: true });
  return endRun(db, runId, workerId, { status: "cancelled", message: `Cancelled during Step "${row.stepId}"`, error: null, stepRowId: row.id }, now);
}

/**
 * Writes how a step ended (and the run, when the step ended it) in one commit, with the step's own
 * writes (its tool call's result). `endsRun`: the step is the pipeline's last, so its success ends the
 * run in the same commit.
 */
async function recordStepResult(runId: string, workerId: string, row: AttemptRow, result: StepResult, endsRun = false): Promise<RunOutcome | null> {
  if (result.status === "waiting") return "waiting";
  if (result.status === "lost") return "lost";
  if (result.status === "aborted" && result.kind !== "cancel") return result.kind === "shutdown" ? "interrupted" : "lost";
  const label = `Step "${row.stepId}"`;
  const writes = result.status === "succeeded" || result.status === "failed" || result.status === "aborted" || result.status === "outcome-unknown" || result.status === "input-needed" ? (result.writes ?? []) : [];
  return writeTransaction((db): RunOutcome | null => {
    const now = new Date();
    for (const write of writes) write(db);
    const event = (message: string) => insertRunEvent(db, runEventRow(runId, "status", message, { runStepId: row.id }), now);
    switch (result.status) {
      case "succeeded":
        if (writeStepEnd(db, runId, workerId, row, now, { status: "succeeded", error: null, outputJson: JSON.stringify(result.output), finished: true })) {
          event(`${label} succeeded${result.message ? `: ${result.message}` : ""}`);
        }
        if (!endsRun) return null;
        endRun(db, runId, workerId, { status: "succeeded", message: "Run succeeded", error: null }, now);
        return "succeeded";
      case "failed":
        writeStepEnd(db, runId, workerId, row, now, { status: "failed", error: result.error, outputJson: result.output ? JSON.stringify(result.output) : null, finished: true });
        endRun(db, runId, workerId, { status: "failed", message: `${label} failed: ${result.error}`, error: `${label} failed: ${result.error}`, stepRowId: row.id }, now);
        return "failed";
      case "outcome-unknown": {
        const outputJson = JSON.stringify({ outcomeUnknown: true, idempotencyKey: result.idempotencyKey });
        // cancelled while the call ran: the run ends cancelled, the step keeps its marker (a retry asks first)
        if (cancelInsteadOfWaiting(db, runId, workerId, row, now, outputJson)) return "cancelled";
        writeStepEnd(db, runId, workerId, row, now, { status: "waiting", error: result.error, outputJson, finished: false });
        parkRun(db, runId, workerId, `${label}: ${result.error}`, `${label} waits for a human: ${result.error}`, row.id, now);
        return "waiting";
      }
      case "input-needed":
        if (cancelInsteadOfWaiting(db, runId, workerId, row, now, null)) return "cancelled";
        // the run leaves this worker and waits; the answer requeues it (lib/engine/input-waits.ts)
        return parkForInput(db, runId, workerId, row, result.request, { keepLease: false }, now) ? "waiting" : "lost";
      case "aborted":
        writeStepEnd(db, runId, workerId, row, now, { status: "cancelled", error: "Cancelled", outputJson: null, finished: true });
        endRun(db, runId, workerId, { status: "cancelled", message: `Cancelled during ${label}`, error: null, stepRowId: row.id }, now);
        return "cancelled";
    }
  });
}

/** tasks/cancel for the run's tasks no one will poll (as cancelRun does for a waiting run); failures are logged. */
async function cancelKeptTasks(runId: string): Promise<void> {
  try {
    if (await prisma.toolTask.count({ where: { toolCall: { runId } } })) await (await import("@/lib/mcp/tasks")).cancelStoredTasks(runId);
  } catch (error) {
    console.error(`[engine] could not cancel the tasks of run ${runId}`, error);
  }
}

export async function executeRun(runId: string, options: ExecuteRunOptions): Promise<RunOutcome> {
  const { workerId, runner, signal } = options;
  const state = await loadRunState(runId);
  if (state === "unreadable") return finish(runId, workerId, "failed", "The stored pipeline or inputs of this run cannot be read", "The stored pipeline or inputs of this run cannot be read");
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
  // what later steps need (servers, tools, accepted pins) is checked before the first of them runs
  const preflight = await preflightRun({ runId, workerId, runner, steps: pipeline.steps, rows, clientSlug: state.client?.slug ?? null });
  if (preflight !== "passed") return preflight;

  for (const step of pipeline.steps) {
    const attempts = rows.filter((r) => r.stepId === step.id);
    const row = attempts.at(-1);
    if (!row) return finish(runId, workerId, "failed", `Step "${step.id}" has no attempt`, `Step "${step.id}" has no attempt`);
    if (row.status === "succeeded") {
      ctx.approvedVersion = absorbOutput(step, parseStoredJson(row.outputJson), ctx.templates) ?? ctx.approvedVersion;
      continue;
    }
    if (row.status === "skipped") continue;
    if (row.status !== "pending") {
      const message = `Step "${step.id}" is ${row.status}, not pending: retry the run to run it again`;
      return finish(runId, workerId, "failed", message, message);
    }

    const control = await readRunControl(runId);
    if (!control || control.status !== "running" || control.leaseOwner !== workerId) return "lost";
    if (control.cancelRequested || (signal.reason instanceof RunAbort && signal.reason.kind === "cancel")) return finish(runId, workerId, "cancelled", `Cancelled before step "${step.id}"`, null);
    if (signal.aborted) return "lost";
    if (options.shouldYield?.()) return releaseRun(runId, workerId, step.id);

    // a tool step's start commits with its call's "started" record when the runner can do that
    const startsWithCall = !step.approval && !step.agent && runner.startsSteps === true;
    if (!startsWithCall && !(await writeTransaction((db) => writeStepStart(db, runId, workerId, row)))) return "lost";
    ctx.startStep = startsWithCall ? (db) => writeStepStart(db, runId, workerId, row) : undefined;

    const result = await executeStep(step, row, attempts, ctx);
    const ended = await recordStepResult(runId, workerId, row, result, step === pipeline.steps.at(-1));
    // cancelled instead of waiting: a task that asked for input is kept by its server for the answer
    if (ended === "cancelled" && (result.status === "input-needed" || result.status === "outcome-unknown")) await cancelKeptTasks(runId);
    if (ended) return ended;
    if (result.status === "succeeded") absorbOutput(step, result.output, ctx.templates);
  }
  return finish(runId, workerId, "succeeded", "Run succeeded", null);
}
