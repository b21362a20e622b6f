// Runs the steps of a claimed run in order, from the first that has not succeeded. Every write is
// conditional on this worker still holding the run, so a worker that lost its lease changes nothing.
import { prisma } from "@/lib/db";
import { readRunControl } from "@/lib/engine/claim";
import { executeStep, type AttemptRow, type StepContext, type StepResult } from "@/lib/engine/execute-step";
import { preflightRun } from "@/lib/engine/preflight";
import { runEventRow } from "@/lib/engine/run-events";
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

async function endRun(runId: string, workerId: string, status: "succeeded" | "failed" | "cancelled", message: string, error: string | null, stepRowId?: string) {
  const now = new Date();
  await prisma.$transaction([
    prisma.run.updateMany({
      where: ownedRun(runId, workerId),
      data: { status, error, finishedAt: now, leaseOwner: null, leaseExpiresAt: null, ...(status === "cancelled" ? { cancelRequested: true } : {}) },
    }),
    prisma.runEvent.create({ data: runEventRow(runId, "status", message, { runStepId: stepRowId }) }),
  ]);
  return status;
}

/** Hands the run back to the queue between steps (shutdown): the next worker continues it. */
async function releaseRun(runId: string, workerId: string, nextStepId: string): Promise<RunOutcome> {
  await prisma.$transaction([
    prisma.run.updateMany({ where: ownedRun(runId, workerId), data: { status: "queued", leaseOwner: null, leaseExpiresAt: null } }),
    prisma.runEvent.create({ data: runEventRow(runId, "status", `Worker shutting down: step "${nextStepId}" continues when a worker runs again`) }),
  ]);
  return "released";
}

/** Writes how a step ended (and the run, when the step ended it). */
async function recordStepResult(runId: string, workerId: string, row: AttemptRow, result: StepResult): Promise<RunOutcome | null> {
  const now = new Date();
  const label = `Step "${row.stepId}"`;
  // the step's own writes (its tool call's result) commit with its outcome: one transaction, one fsync
  const writes = result.status === "succeeded" || result.status === "failed" || result.status === "aborted" ? (result.writes ?? []) : [];
  switch (result.status) {
    case "succeeded":
      await prisma.$transaction([
        ...writes,
        prisma.runStep.updateMany({ where: { id: row.id, status: "running" }, data: { status: "succeeded", finishedAt: now, outputJson: JSON.stringify(result.output), error: null } }),
        prisma.runEvent.create({ data: runEventRow(runId, "status", `${label} succeeded${result.message ? `: ${result.message}` : ""}`, { runStepId: row.id }) }),
      ]);
      return null;
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
  // what later steps need (servers, tools, accepted pins) is checked before the first of them runs
  const preflight = await preflightRun({ runId, workerId, runner, steps: pipeline.steps, rows, clientSlug: state.client?.slug ?? null });
  if (preflight !== "passed") return preflight;

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

    const now = new Date();
    const [started] = await prisma.$transaction([
      prisma.runStep.updateMany({ where: { id: row.id, status: "pending" }, data: { status: "running", startedAt: now } }),
      prisma.runEvent.create({ data: runEventRow(runId, "status", `Step "${step.id}" started${row.attempt > 1 ? ` (attempt ${row.attempt})` : ""}`, { runStepId: row.id }) }),
    ]);
    if (started.count === 0) return "lost";

    const result = await executeStep(step, row, attempts, ctx);
    const ended = await recordStepResult(runId, workerId, row, result);
    if (ended) return ended;
    if (result.status === "succeeded") absorbOutput(step, result.output, ctx.templates);
  }
  return endRun(runId, workerId, "succeeded", "Run succeeded", null);
}
