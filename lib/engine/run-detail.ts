// One run as its page and GET /api/runs/<id> show it: steps (every attempt, with its tool calls), usage,
// drafts, and its events, read forward from the last one seen while the run is live.
import "server-only";
import { prisma } from "@/lib/db/client";
import { INLINE_PAYLOAD_MAX } from "@/lib/engine/run-payloads";
import { openInputRequestsOfRun } from "@/lib/engine/input-waits";
import { listDraftsOfRun } from "@/lib/drafts/open-draft";
import { adHocCallOf } from "@/lib/engine/adhoc";
import type { RunStatus, StepStatus } from "@/lib/engine/engine.schema";
import { RUN_LIST_SELECT } from "@/lib/engine/run-list";
import { isActiveRunStatus, isFinishedRunStatus, runWaitingReason, stepWaitingReason } from "@/lib/engine/run-status";
import { parseStoredJson } from "@/lib/db/stored-json";
import { attemptMarker } from "@/lib/engine/step-output";
import { checkUrlFor } from "@/lib/mcp/check-urls";
import { toolResultImages } from "@/lib/mcp/tool-result";
import { tasksOfSteps } from "@/lib/mcp/tasks";

// large payloads are left out of the detail and fetched on demand (lib/engine/run-payloads.ts)
const TOOL_RESULT_INLINE_MAX = INLINE_PAYLOAD_MAX;
// about 512 KB of image each, two per call, sent with every poll of a live run
const RESULT_IMAGE_MAX_CHARS = 700 * 1024;
const RESULT_IMAGES_MAX = 2;
const EVENTS_PAGE = 500;

/** Events after `afterEventId`, oldest first, for the live run page. */
export async function listRunEvents(runId: string, afterEventId = 0, limit = EVENTS_PAGE) {
  const events = await prisma.runEvent.findMany({
    where: { runId, id: { gt: afterEventId } },
    orderBy: { id: "asc" },
    take: Math.min(limit, EVENTS_PAGE),
    select: { id: true, runStepId: true, type: true, message: true, dataJson: true, createdAt: true },
  });
  return events.map(({ dataJson, ...e }) => ({ ...e, data: parseStoredJson(dataJson) }));
}

/**
 * One run as GET /api/runs/<id> returns it: status, steps (every attempt, in order, each with its tool
 * calls), usage, and the events after `afterEventId`. Null when there is no such run.
 */
export async function getRunDetail(runId: string, options: { afterEventId?: number } = {}) {
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: {
      ...RUN_LIST_SELECT,
      inputsJson: true,
      cancelRequested: true,
      cacheTokens: true,
      rerunOfId: true,
      rerunRunner: true,
      rerunModel: true,
      subscription: true,
      subscriptionTokens: true,
      subscriptionUsd: true,
      unpricedModel: true,
    },
  });
  if (!run) return null;
  const [steps, toolCalls, drafts, events, reruns, inputRequests] = await Promise.all([
    prisma.runStep.findMany({
      where: { runId },
      orderBy: [{ position: "asc" }, { attempt: "asc" }],
      select: {
        id: true,
        stepId: true,
        position: true,
        kind: true,
        status: true,
        attempt: true,
        startedAt: true,
        finishedAt: true,
        outputJson: true,
        error: true,
        inputTokens: true,
        outputTokens: true,
        costUsd: true,
        runner: true,
        model: true,
        turns: true,
        cacheReadTokens: true,
        cacheWriteTokens: true,
        reasoningTokens: true,
        subscription: true,
        apiCostUsd: true,
        priceJson: true,
      },
    }),
    prisma.toolCall.findMany({
      where: { runId },
      orderBy: { startedAt: "asc" },
      select: {
        id: true,
        runStepId: true,
        idempotencyKey: true,
        server: true,
        scope: true,
        tool: true,
        status: true,
        isError: true,
        error: true,
        argumentsJson: true,
        resultJson: true,
        resultBytes: true,
        isTruncated: true,
        startedAt: true,
        finishedAt: true,
        durationMs: true,
      },
    }),
    listDraftsOfRun(runId),
    listRunEvents(runId, options.afterEventId ?? 0),
    prisma.run.findMany({ where: { rerunOfId: runId }, orderBy: { createdAt: "desc" }, take: 10, select: { id: true, status: true, rerunRunner: true, rerunModel: true, createdAt: true } }),
    run.status === "waiting" ? openInputRequestsOfRun(runId) : Promise.resolve(new Map<string, never>()),
  ]);
  // a tool step whose call the server answered with a task: the task's id, status and status message
  const tasks = await tasksOfSteps(steps.filter((s) => s.kind === "tool" && toolCalls.some((c) => c.runStepId === s.id)).map((s) => s.id));
  // a step waiting because its call's outcome is unknown: which call, and where a human checks it
  const outcomeUnknown = (s: (typeof steps)[number]) => {
    if (s.status !== "waiting" || s.kind !== "tool") return null;
    const marker = attemptMarker(s.outputJson);
    if (!marker.outcomeUnknown) return null;
    const call = toolCalls.find((c) => c.idempotencyKey !== null && c.idempotencyKey === marker.idempotencyKey);
    return { idempotencyKey: marker.idempotencyKey ?? null, server: call?.server ?? null, tool: call?.tool ?? null, checkUrl: call ? checkUrlFor(call.server) : null };
  };
  const latestAttempt = new Map<string, number>();
  for (const s of steps) latestAttempt.set(s.stepId, Math.max(latestAttempt.get(s.stepId) ?? 0, s.attempt));
  const { inputsJson, inputTokens, outputTokens, cacheTokens, costUsd, rerunOfId, rerunRunner, rerunModel, subscription, subscriptionTokens, subscriptionUsd, unpricedModel, ...rest } = run;
  const call = adHocCallOf(run);
  return {
    ...rest,
    status: run.status as RunStatus,
    /** for an ad-hoc tool call (trigger "adhoc"): its server and tool; null for a pipeline run */
    call,
    inputs: parseStoredJson(inputsJson),
    // summed over every step attempt. costUsd: USD at API prices, without subscription steps, whose tokens
    // and API-equivalent cost are apart; unpricedModel: a model with no price that spent tokens (lib/spend),
    // and then costUsd is null: the cost is unknown
    usage: {
      inputTokens: Math.max(inputTokens, sum(steps, "inputTokens")),
      outputTokens: Math.max(outputTokens, sum(steps, "outputTokens")),
      cacheTokens,
      cacheReadTokens: sum(steps, "cacheReadTokens"),
      cacheWriteTokens: sum(steps, "cacheWriteTokens"),
      reasoningTokens: sum(steps, "reasoningTokens"),
      costUsd: unpricedModel ? null : costUsd,
      subscription,
      subscriptionTokens,
      subscriptionUsd,
      unpricedModel,
    },
    waitingFor: runWaitingReason(run, steps),
    // an ad-hoc call runs inside the request that made it: no worker can cancel, resume or retry it
    canCancel: !call && isActiveRunStatus(run.status) && !(run.status === "running" && run.cancelRequested),
    canRetry: !call && (run.status === "failed" || run.status === "cancelled"),
    canRerun: !call && isFinishedRunStatus(run.status),
    /** a rerun: the run it repeats and the runner/model its agent steps were switched to (lib/engine/rerun.ts) */
    rerunOf: rerunOfId ? { id: rerunOfId, runner: rerunRunner, model: rerunModel } : null,
    /** the latest runs that repeat this one */
    reruns: reruns.map((r) => ({ id: r.id, status: r.status as RunStatus, runner: r.rerunRunner, model: r.rerunModel, createdAt: r.createdAt })),
    steps: steps.map((s) => ({
      id: s.stepId,
      runStepId: s.id,
      position: s.position,
      kind: s.kind,
      status: s.status as StepStatus,
      waitingFor: stepWaitingReason(s),
      attempt: s.attempt,
      isLatestAttempt: latestAttempt.get(s.stepId) === s.attempt,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      ...inlineOutput(s.status === "succeeded" || s.status === "failed" ? s.outputJson : null),
      error: s.error,
      draft: drafts.find((d) => d.runStepId === s.id) ?? null,
      outcomeUnknown: outcomeUnknown(s),
      task: tasks.get(s.id) ?? null,
      // a tool asked a person for input (lib/engine/input-waits.ts): its question and the schema of the answer
      inputRequest: inputRequestView(inputRequests.get(s.id)),
      usage: {
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
        cacheReadTokens: s.cacheReadTokens,
        cacheWriteTokens: s.cacheWriteTokens,
        reasoningTokens: s.reasoningTokens,
        costUsd: s.costUsd,
        subscription: s.subscription,
        apiCostUsd: s.apiCostUsd,
        price: parseStoredJson(s.priceJson),
      },
      agent: s.kind === "agent" ? { runner: s.runner, model: s.model, turns: s.turns } : null,
      toolCalls: toolCalls
        .filter((c) => c.runStepId === s.id)
        .map(({ argumentsJson, resultJson, runStepId: _runStepId, ...c }) => ({
          ...c,
          arguments: parseStoredJson(argumentsJson),
          result: resultJson !== null && resultJson.length <= TOOL_RESULT_INLINE_MAX ? parseStoredJson(resultJson) : null,
          resultOmitted: resultJson !== null && resultJson.length > TOOL_RESULT_INLINE_MAX,
          // a result left out for its size still shows its screenshots (raster, each size-capped)
          images: resultJson !== null && resultJson.length > TOOL_RESULT_INLINE_MAX ? toolResultImages(parseStoredJson(resultJson), RESULT_IMAGE_MAX_CHARS, RESULT_IMAGES_MAX) : [],
        })),
    })),
    events,
    lastEventId: events.at(-1)?.id ?? options.afterEventId ?? 0,
  };
}

function inputRequestView(r: Awaited<ReturnType<typeof openInputRequestsOfRun>> extends Map<string, infer V> ? V | undefined : never) {
  if (!r) return null;
  return { id: r.id, message: r.message, schema: r.schema, kind: r.kind, origin: r.origin, server: r.server, tool: r.tool, requestedAt: r.requestedAt };
}

/** A step's output inline when small; a large one is left out with its size, for GET .../steps/<runStepId>/output. */
function inlineOutput(outputJson: string | null) {
  if (outputJson !== null && outputJson.length > INLINE_PAYLOAD_MAX) {
    return { output: null, outputOmitted: true, outputBytes: Buffer.byteLength(outputJson) };
  }
  return { output: parseStoredJson(outputJson), outputOmitted: false, outputBytes: outputJson === null ? 0 : Buffer.byteLength(outputJson) };
}

function sum<K extends string>(rows: Record<K, number>[], key: K): number {
  return rows.reduce((total, row) => total + row[key], 0);
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof getRunDetail>>>;
