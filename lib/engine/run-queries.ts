// Reads for the run pages and the JSON API (GET /api/runs, GET /api/runs/<id>). Lists use keyset
// pagination on (createdAt, id), which the Run indexes serve, so they stay fast with many runs.
import { prepared, prisma, sqlDate, sqlite } from "@/lib/db";
import { decodeOptionalCursor, encodeCursor } from "@/lib/db/cursor";
import { INLINE_PAYLOAD_MAX } from "@/lib/engine/run-payloads";
import { SafeError } from "@/lib/errors";
import { listDraftsOfRun } from "@/lib/drafts/open-draft";
import { ADHOC_PIPELINE_SLUG, ADHOC_TRIGGER, adHocCallOf } from "@/lib/engine/adhoc";
import { ZListRunsInput, type ListRunsInput, type RunStatus, type StepStatus } from "@/lib/engine/engine.schema";
import { ACTIVE_RUN_STATUSES, isActiveRunStatus, isFinishedRunStatus, runWaitingReason, stepWaitingReason, type WaitingReason } from "@/lib/engine/run-status";
import { parseStoredJson } from "@/lib/db/stored-json";
import { attemptMarker } from "@/lib/engine/step-output";
import { checkUrlFor } from "@/lib/mcp/check-urls";
import { toolResultImages } from "@/lib/mcp/tool-result";

const runListSelect = {
  id: true,
  pipelineSlug: true,
  pipelineName: true,
  status: true,
  trigger: true,
  error: true,
  heartbeatSlug: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  createdByLabel: true,
  inputTokens: true,
  outputTokens: true,
  costUsd: true,
  subscription: true,
  unpricedModel: true,
  client: { select: { slug: true, name: true } },
} as const;

// large payloads are left out of the detail and fetched on demand (lib/engine/run-payloads.ts)
const TOOL_RESULT_INLINE_MAX = INLINE_PAYLOAD_MAX;
// about 512 KB of image each, two per call, sent with every poll of a live run
const RESULT_IMAGE_MAX_CHARS = 700 * 1024;
const RESULT_IMAGES_MAX = 2;
const EVENTS_PAGE = 500;

/** Runs newest first, filtered by client, pipeline, status and time; `{ items, nextCursor }`. */
export async function listRuns(input: ListRunsInput = {}) {
  const parsed = ZListRunsInput.safeParse(input);
  if (!parsed.success) throw new SafeError(`Invalid filter: ${parsed.error.issues[0]?.message ?? "check the query"}`);
  const q = parsed.data;
  let clientId: string | undefined;
  if (q.clientSlug) {
    const client = await prisma.client.findUnique({ where: { slug: q.clientSlug }, select: { id: true } });
    if (!client) return { items: [], nextCursor: null };
    clientId = client.id;
  }
  const statuses = q.status ? [...new Set(Array.isArray(q.status) ? q.status : [q.status])] : undefined;
  const byCost = q.sort === "cost";
  const cursor = byCost ? null : decodeOptionalCursor(q.cursor);
  const costCursor = byCost && q.cursor ? decodeCostCursor(q.cursor) : undefined;
  const db = await sqlite();
  const filter: RunIdsFilter = {
    clientId,
    // ad-hoc calls all have the empty pipeline slug, so the pipeline indexes find them
    pipelineSlug: q.pipeline ?? (q.trigger === ADHOC_TRIGGER ? ADHOC_PIPELINE_SLUG : undefined),
    trigger: q.trigger ?? undefined,
    from: q.from ?? undefined,
    to: q.to ?? undefined,
    cursor: cursor ?? undefined,
    costCursor,
    sort: byCost ? "cost" : undefined,
    limit: q.limit + 1,
  };
  const idsOf = (status: string | undefined) => {
    const { sql, params } = runIdsQuery({ ...filter, status });
    return (prepared(db, sql).all(...params) as { id: string; createdAt: string; costUsd: number }[]).map((r) => ({ id: r.id, createdAt: new Date(r.createdAt), costUsd: r.costUsd }));
  };
  // Several statuses: `status IN (...)` cannot read one index in page order (SQLite sorts every match,
  // seconds at a million runs), so each status reads its own index range and the pages are merged.
  const ids = statuses && statuses.length > 1 ? statuses.flatMap(idsOf).sort(byCost ? costliestFirst : newestFirst).slice(0, q.limit + 1) : idsOf(statuses?.[0]);
  const byId = new Map((await prisma.run.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: runListSelect })).map((r) => [r.id, r]));
  // a run deleted between the two reads is left out
  const rows = ids.flatMap((r) => byId.get(r.id) ?? []);
  // a run that spent on a model with no price has an unknown cost: null, never a $0 that would be a lie
  const items = rows.slice(0, q.limit).map((r) => ({ ...r, costUsd: r.unpricedModel ? null : r.costUsd, call: adHocCallOf(r) }));
  const last = ids.length > q.limit ? ids[q.limit - 1] : undefined;
  const nextCursor = !last ? null : byCost ? encodeCostCursor(last) : encodeCursor({ createdAt: last.createdAt, id: last.id });
  return { items: await withWaitingReasons(items), nextCursor };
}

/** Each run with its status and, when it waits, what for (one query, only for the waiting runs). */
async function withWaitingReasons<T extends { id: string; status: string }>(runs: T[]): Promise<(T & { status: RunStatus; waitingFor: WaitingReason | null })[]> {
  const waitingIds = runs.filter((r) => r.status === "waiting").map((r) => r.id);
  const steps = waitingIds.length
    ? await prisma.runStep.findMany({ where: { runId: { in: waitingIds }, status: "waiting" }, select: { runId: true, status: true, kind: true } })
    : [];
  return runs.map((r) => ({ ...r, status: r.status as RunStatus, waitingFor: runWaitingReason(r, steps.filter((s) => s.runId === r.id)) }));
}

export type RunIdsFilter = {
  clientId?: string;
  pipelineSlug?: string;
  status?: string;
  trigger?: string;
  from?: Date;
  to?: Date;
  cursor?: { createdAt: Date; id: string };
  /** sort=cost: most expensive first, paged on (costUsd, id) */
  sort?: "cost";
  costCursor?: { costUsd: number; id: string };
  limit: number;
};

/**
 * The page's run ids, newest first, read from the one index that starts with exactly the filtered
 * columns (INDEXED BY: without table statistics SQLite's planner sometimes picks a shorter index when
 * createdAt has two bounds, and then scans, e.g. every run of a pipeline for a client + pipeline page).
 */
export function runIdsQuery(f: RunIdsFilter): { sql: string; params: unknown[] } {
  const equal = (["clientId", "pipelineSlug", "status"] as const).filter((c) => f[c] !== undefined);
  const where = equal.map((c) => `"${c}" = ?`);
  const params: unknown[] = equal.map((c) => f[c]);
  if (f.trigger) where.push(`"trigger" = ?`), params.push(f.trigger);
  if (f.from) where.push(`"createdAt" >= ?`), params.push(sqlDate(f.from));
  if (f.to) where.push(`"createdAt" < ?`), params.push(sqlDate(f.to));
  if (f.sort === "cost") {
    // the index of the same equality columns ending in (costUsd, id); the days filter what it reads
    if (f.costCursor) where.push(`("costUsd", "id") < (?, ?)`), params.push(f.costCursor.costUsd, f.costCursor.id);
    const index = `Run_${[...equal, "costUsd", "id"].join("_")}_idx`;
    const sql = `SELECT "id", "createdAt", "costUsd" FROM "Run" INDEXED BY "${index}" ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY "costUsd" DESC, "id" DESC LIMIT ?`;
    return { sql, params: [...params, f.limit] };
  }
  // a row value: one range on (createdAt, id), which the index reads in order
  if (f.cursor) where.push(`("createdAt", "id") < (?, ?)`), params.push(sqlDate(f.cursor.createdAt), f.cursor.id);
  const index = `Run_${[...equal, "createdAt", "id"].join("_")}_idx`;
  const sql = `SELECT "id", "createdAt", "costUsd" FROM "Run" INDEXED BY "${index}" ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY "createdAt" DESC, "id" DESC LIMIT ?`;
  return { sql, params: [...params, f.limit] };
}

function costliestFirst(a: { costUsd: number; id: string }, b: { costUsd: number; id: string }): number {
  return b.costUsd - a.costUsd || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The cursor of a cost-sorted page: the last run's cost and id, opaque like every cursor. */
function encodeCostCursor(last: { costUsd: number; id: string }): string {
  return Buffer.from(JSON.stringify({ c: last.costUsd, id: last.id })).toString("base64url");
}

function decodeCostCursor(raw: string): { costUsd: number; id: string } {
  const invalid = () => new SafeError("Invalid cursor: pass the nextCursor of the previous page (with the same sort), or no cursor for the first page");
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  try {
    const wire = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { c?: unknown; id?: unknown };
    if (typeof wire.c === "number" && Number.isFinite(wire.c) && typeof wire.id === "string" && wire.id) return { costUsd: wire.c, id: wire.id };
  } catch {
    // not JSON
  }
  throw invalid();
}

function newestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}


/** For the Today page: every queued, running or waiting run, and runs that failed recently. */
export async function listActiveAndRecentFailedRuns(options: { failedSinceHours?: number; limit?: number } = {}) {
  const limit = options.limit ?? 20;
  const since = new Date(Date.now() - (options.failedSinceHours ?? 24) * 3_600_000);
  const [active, failed] = await Promise.all([
    prisma.run.findMany({ where: { status: { in: [...ACTIVE_RUN_STATUSES] } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: runListSelect }),
    prisma.run.findMany({ where: { status: "failed", createdAt: { gte: since } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: runListSelect }),
  ]);
  const withCall = <T extends { trigger: string; pipelineName: string }>(r: T) => ({ ...r, call: adHocCallOf(r) });
  return { active: (await withWaitingReasons(active)).map(withCall), failed: (await withWaitingReasons(failed)).map(withCall) };
}

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
    select: { ...runListSelect, inputsJson: true, cancelRequested: true, cacheTokens: true, rerunOfId: true, rerunRunner: true, rerunModel: true, subscription: true, subscriptionTokens: true, subscriptionUsd: true, unpricedModel: true },
  });
  if (!run) return null;
  const [steps, toolCalls, drafts, events, reruns] = await Promise.all([
    prisma.runStep.findMany({
      where: { runId },
      orderBy: [{ position: "asc" }, { attempt: "asc" }],
      select: {
        id: true, stepId: true, position: true, kind: true, status: true, attempt: true, startedAt: true, finishedAt: true, outputJson: true, error: true,
        inputTokens: true, outputTokens: true, costUsd: true, runner: true, model: true, turns: true, cacheReadTokens: true, cacheWriteTokens: true, reasoningTokens: true,
        subscription: true, apiCostUsd: true, priceJson: true,
      },
    }),
    prisma.toolCall.findMany({
      where: { runId },
      orderBy: { startedAt: "asc" },
      select: {
        id: true, runStepId: true, idempotencyKey: true, server: true, scope: true, tool: true, status: true, isError: true, error: true, argumentsJson: true,
        resultJson: true, resultBytes: true, isTruncated: true, startedAt: true, finishedAt: true, durationMs: true,
      },
    }),
    listDraftsOfRun(runId),
    listRunEvents(runId, options.afterEventId ?? 0),
    prisma.run.findMany({ where: { rerunOfId: runId }, orderBy: { createdAt: "desc" }, take: 10, select: { id: true, status: true, rerunRunner: true, rerunModel: true, createdAt: true } }),
  ]);
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
      inputTokens: Math.max(inputTokens, sum(steps, "inputTokens")), outputTokens: Math.max(outputTokens, sum(steps, "outputTokens")), cacheTokens,
      cacheReadTokens: sum(steps, "cacheReadTokens"), cacheWriteTokens: sum(steps, "cacheWriteTokens"), reasoningTokens: sum(steps, "reasoningTokens"), costUsd: unpricedModel ? null : costUsd,
      subscription, subscriptionTokens, subscriptionUsd, unpricedModel,
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
      usage: {
        inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens, cacheWriteTokens: s.cacheWriteTokens, reasoningTokens: s.reasoningTokens, costUsd: s.costUsd,
        subscription: s.subscription, apiCostUsd: s.apiCostUsd, price: parseStoredJson(s.priceJson),
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

/** What a client's runs cost since the start of this calendar month (UTC): US dollars and tokens. */
export async function clientSpendThisMonth(clientId: string, now = new Date()): Promise<{ costUsd: number; tokens: number }> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const sum = await prisma.run.aggregate({ where: { clientId, createdAt: { gte: monthStart } }, _sum: { costUsd: true, inputTokens: true, outputTokens: true } });
  return { costUsd: sum._sum.costUsd ?? 0, tokens: (sum._sum.inputTokens ?? 0) + (sum._sum.outputTokens ?? 0) };
}
