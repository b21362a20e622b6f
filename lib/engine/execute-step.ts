// Executes one step of a claimed run and says how it ended; execute-run.ts writes the outcome.
import "server-only";
import { prisma } from "@/lib/db/client";
import { draftBodyRefusal, draftTitle, openDraft } from "@/lib/drafts/open-draft";
import { runEventRow, createRunEvent } from "@/lib/engine/run-events";
import { answeredInputFor, markDelivered, waitForAnswer } from "@/lib/engine/input-waits";
import { attemptMarker, boundedError, toolErrorMessage, toolStepOutput } from "@/lib/engine/step-output";
import { OutcomeUnknownStepError, StepNotStarted, type ToolProgress } from "@/lib/engine/tool-step-runner";
import type { AttemptRow, StepContext, StepResult } from "@/lib/engine/step-types";
import { RunAbort, type RunAbortKind } from "@/lib/engine/worker-registry";
import { keepTaskOnAbort, taskEventWriter } from "@/lib/engine/task-steps";
import { durationMs, type PipelineStep } from "@/lib/pipelines/pipeline.schema";
import { renderArgs, renderTemplate, TemplateError } from "@/lib/pipelines/templates";

const PROGRESS_EVERY_MS = 250;

function abortKind(signal: AbortSignal): RunAbortKind | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof RunAbort ? signal.reason.kind : "cancel";
}

/**
 * `${runId}:${stepId}:${attempt}`, plus `:v<version>` after an approval. An attempt that follows one
 * the worker was interrupted in keeps that attempt's key: its call may have been sent, and the MCP layer
 * then reuses the recorded result or reports the outcome as unknown instead of sending again.
 */
export function idempotencyKeyFor(runId: string, row: AttemptRow, attempts: AttemptRow[], approvedVersion: number | null): string {
  let base = row.attempt;
  for (let a = row.attempt - 1; a >= 1; a--) {
    const previous = attempts.find((r) => r.attempt === a);
    if (!previous || previous.status !== "failed" || !attemptMarker(previous.outputJson).interrupted) break;
    base = a;
  }
  return `${runId}:${row.stepId}:${base}${approvedVersion !== null ? `:v${approvedVersion}` : ""}`;
}

/**
 * The key of the previous attempt when its call's outcome is unknown: it was sent and no answer was
 * recorded (a timeout, a cancel mid-call, a lost connection, or the step's own write failing after the
 * call returned), or that attempt was left waiting for a human who did not decide (it was cancelled).
 * Retry must not send such a call under a new key: with the old one, the MCP layer re-sends only a
 * read-only or idempotent tool and otherwise stops the step as "outcome unknown" for a human.
 */
async function keyInDoubt(row: AttemptRow, attempts: AttemptRow[]): Promise<string | null> {
  const previous = attempts.find((r) => r.attempt === row.attempt - 1);
  if (!previous || (previous.status !== "failed" && previous.status !== "cancelled")) return null;
  const marker = attemptMarker(previous.outputJson);
  if (marker.resend) return null; // a human checked and chose to send it again
  if (marker.outcomeUnknown && marker.idempotencyKey) return marker.idempotencyKey;
  const call = await prisma.toolCall.findFirst({
    where: { runStepId: previous.id, status: { in: ["started", "unknown"] }, idempotencyKey: { not: null } },
    orderBy: { startedAt: "desc" },
    select: { idempotencyKey: true },
  });
  return call?.idempotencyKey ?? null;
}

/** Writes progress as events, at most every PROGRESS_EVERY_MS, in order; `flush` waits for the last. */
function progressWriter(runId: string, runStepId: string) {
  let chain = Promise.resolve();
  let last = 0;
  return {
    report(p: ToolProgress) {
      const now = Date.now();
      const done = p.total !== undefined && p.progress >= p.total;
      if (!done && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const label = `${p.progress}${p.total !== undefined ? `/${p.total}` : ""}${p.message ? ` ${p.message}` : ""}`;
      chain = chain
        .then(() => createRunEvent(runId, "progress", label, { runStepId, data: p }))
        .then(
          () => undefined,
          (error: unknown) => console.error("[engine] could not record progress", error),
        );
    },
    flush: () => chain,
  };
}

async function runToolStep(step: PipelineStep, row: AttemptRow, attempts: AttemptRow[], ctx: StepContext): Promise<StepResult> {
  const toolRef = step.tool ?? "";
  const slash = toolRef.indexOf("/");
  const server = toolRef.slice(0, slash);
  const tool = toolRef.slice(slash + 1);
  let args: Record<string, unknown>;
  try {
    args = renderArgs(step.args ?? {}, ctx.templates) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TemplateError) return { status: "failed", error: `Arguments: ${error.message}` };
    throw error;
  }
  const idempotencyKey = (row.attempt > 1 ? await keyInDoubt(row, attempts) : null) ?? idempotencyKeyFor(ctx.runId, row, attempts, ctx.approvedVersion);
  const progress = progressWriter(ctx.runId, row.id);
  const tasks = taskEventWriter(ctx.runId, row.id);
  // a call that came back input_required and was answered since: it is sent again with the answer
  const answered = await answeredInputFor(row);
  const delivered = answered ? [(db: Parameters<typeof markDelivered>[0]) => markDelivered(db, answered.id)] : [];
  try {
    const result = await ctx.runner.runTool({
      runId: ctx.runId,
      runStepId: row.id,
      stepId: row.stepId,
      attempt: row.attempt,
      clientSlug: ctx.client?.slug ?? null,
      server,
      tool,
      arguments: args,
      idempotencyKey,
      afterApproval: ctx.approvedVersion !== null,
      errorMeansUnknown: step.on_error === "outcome-unknown",
      signal: ctx.signal,
      timeoutMs: step.timeout !== undefined ? durationMs(step.timeout) : undefined,
      onProgress: (p) => progress.report(p),
      onTask: (t) => tasks.report(t),
      keepTaskOnAbort,
      startStep: ctx.startStep,
      onInput: (ask) => waitForAnswer({ runId: ctx.runId, owner: ctx.workerId, step: { id: row.id, stepId: row.stepId }, server, tool, signal: ctx.signal }, ask),
      resume: answered ? { toolCallId: answered.toolCallId, continuation: answered.continuation } : undefined,
    });
    await Promise.all([progress.flush(), tasks.flush()]);
    const output = toolStepOutput(result);
    const writes = [...(result.finish ? [result.finish] : []), ...delivered];
    // a call cut short by cancel, shutdown or a lost lease comes back as an error result: the step was
    // aborted, not failed. Only a cancel records the call's end; after a shutdown or a lost lease the
    // call stays "started", so a resumed run treats its outcome as unknown instead of sending it blindly.
    const aborted = abortKind(ctx.signal);
    if (aborted) return { status: "aborted", kind: aborted, writes: aborted === "cancel" ? writes : undefined };
    if (result.inputRequired) {
      const { message, requestedSchema, key, inputRequests, requestState } = result.inputRequired;
      return {
        status: "input-needed",
        writes,
        request: { kind: "input_required", origin: "tool", message, requestedSchema, server, tool, toolCallId: result.toolCallId, inputRequired: { key, inputRequests, requestState } },
      };
    }
    if (result.isError && result.outcomeUnknown && step.on_error === "outcome-unknown") {
      return {
        status: "outcome-unknown",
        idempotencyKey,
        writes,
        error:
          `Outcome unknown: ${toolErrorMessage(result, server, tool)}. The call was sent, and the server may have acted before the error ` +
          "(the step says on_error: outcome-unknown). Check the target system, then send it again or skip the step.",
      };
    }
    if (result.isError) {
      const unknown = result.outcomeUnknown ? " (it was sent and no answer came: its outcome is unknown, so a retry asks before sending it again unless the tool is read-only)" : "";
      return { status: "failed", error: `${toolErrorMessage(result, server, tool)}${unknown}`, output, writes };
    }
    return { status: "succeeded", output, message: result.reused ? `reused the recorded result of ${server}/${tool}` : undefined, writes };
  } catch (error) {
    await Promise.all([progress.flush(), tasks.flush()]);
    if (error instanceof StepNotStarted) return { status: "lost" };
    const aborted = abortKind(ctx.signal);
    if (aborted) return { status: "aborted", kind: aborted };
    if (error instanceof OutcomeUnknownStepError || (error instanceof Error && error.name === "OutcomeUnknownError")) {
      return {
        status: "outcome-unknown",
        idempotencyKey,
        error:
          `Outcome unknown: ${server}/${tool} was sent earlier and no answer was recorded (a timeout, a cancel or a stop mid-call). ` +
          "It may or may not have happened. Check the target system, then send it again or skip the step.",
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { status: "failed", error: `${server}/${tool} failed: ${boundedError(message)}` };
  }
}

async function runApprovalStep(step: PipelineStep, row: AttemptRow, ctx: StepContext): Promise<StepResult> {
  let title: string;
  let body: string;
  try {
    title = draftTitle(renderTemplate(step.approval?.title ?? "", ctx.templates), `${ctx.pipelineSlug}: ${row.stepId}`);
    body = renderTemplate(step.approval?.body ?? "", ctx.templates);
  } catch (error) {
    if (error instanceof TemplateError) return { status: "failed", error: `Draft: ${error.message}` };
    throw error;
  }
  const refusal = draftBodyRefusal(body);
  if (refusal) return { status: "failed", error: refusal };
  // one transaction, and the draft only when this worker still holds the run: the run never waits
  // without its draft, and a worker that lost its lease (another took the run over) opens none. A run
  // whose cancel was asked for while it ran does not wait either: it ends cancelled (execute-run.ts)
  const held = await prisma
    .$transaction(async (tx): Promise<boolean | "cancel"> => {
      const run = await tx.run.updateMany({
        where: { id: ctx.runId, leaseOwner: ctx.workerId, status: "running", cancelRequested: false },
        data: { status: "waiting", leaseOwner: null, leaseExpiresAt: null },
      });
      if (run.count === 0) {
        const cancelling = await tx.run.count({ where: { id: ctx.runId, leaseOwner: ctx.workerId, status: "running", cancelRequested: true } });
        return cancelling === 1 ? "cancel" : false;
      }
      const stepRow = await tx.runStep.updateMany({ where: { id: row.id, status: "running" }, data: { status: "waiting" } });
      if (stepRow.count === 0) throw new LostStep();
      await openDraft(tx, { runId: ctx.runId, runStepId: row.id, stepId: row.stepId, clientId: ctx.client?.id ?? null, pipelineSlug: ctx.pipelineSlug, title, body });
      await tx.runEvent.create({ data: runEventRow(ctx.runId, "status", `Waiting for approval of "${title}"`, { runStepId: row.id }) });
      return true;
    })
    .catch((error: unknown) => {
      if (error instanceof LostStep) return false;
      throw error;
    });
  if (held === "cancel") return { status: "aborted", kind: "cancel" };
  if (!held) return { status: "lost" };
  return { status: "waiting", message: "waiting for approval" };
}

/** The step row was no longer running: roll the run's change back and stop. */
class LostStep extends Error {}

export async function executeStep(step: PipelineStep, row: AttemptRow, attempts: AttemptRow[], ctx: StepContext): Promise<StepResult> {
  if (step.approval) return runApprovalStep(step, row, ctx);
  if (step.agent) return (await import("@/lib/engine/agent-step")).runAgentStep(step, row, ctx);
  return runToolStep(step, row, attempts, ctx);
}
