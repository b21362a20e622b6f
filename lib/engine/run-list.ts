// The run list (the /runs page, a client's and a pipeline's runs, GET /api/runs, the Today page): its
// plan reads each page's run ids from the one index that matches the filter, newest first (keyset on
// (createdAt, id)) or costliest first (keyset on (costUsd, id)), so a page stays fast with a million runs.
import "server-only";
import { prepared, prisma, sqlDate, sqlite } from "@/lib/db/client";
import { decodeCostCursor, decodeOptionalCursor, encodeCostCursor, encodeCursor } from "@/lib/db/cursor";
import { SafeError } from "@/lib/errors";
import { ADHOC_PIPELINE_SLUG, ADHOC_TRIGGER, adHocCallOf } from "@/lib/engine/adhoc";
import { ZListRunsInput, type ListRunsInput, type RunStatus } from "@/lib/engine/engine.schema";
import { ACTIVE_RUN_STATUSES, runWaitingReason, type WaitingReason } from "@/lib/engine/run-status";

/** What a row of a run list shows (the run detail reads these and more). */
export const RUN_LIST_SELECT = {
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
  const ids =
    statuses && statuses.length > 1
      ? statuses
          .flatMap(idsOf)
          .sort(byCost ? costliestFirst : newestFirst)
          .slice(0, q.limit + 1)
      : idsOf(statuses?.[0]);
  const byId = new Map((await prisma.run.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: RUN_LIST_SELECT })).map((r) => [r.id, r]));
  // a run deleted between the two reads is left out
  const rows = ids.flatMap((r) => byId.get(r.id) ?? []);
  // a run that spent on a model with no price has an unknown cost: null, never a $0 that would be a lie
  const items = rows.slice(0, q.limit).map((r) => ({ ...r, costUsd: r.unpricedModel ? null : r.costUsd, call: adHocCallOf(r) }));
  const last = ids.length > q.limit ? ids[q.limit - 1] : undefined;
  const nextCursor = !last ? null : byCost ? encodeCostCursor(last) : encodeCursor({ createdAt: last.createdAt, id: last.id });
  return { items: await withWaitingReasons(items), nextCursor };
}

/** Each run with its status and, when it waits, what for (one query, only for the waiting runs). */
export async function withWaitingReasons<T extends { id: string; status: string }>(runs: T[]): Promise<(T & { status: RunStatus; waitingFor: WaitingReason | null })[]> {
  const waitingIds = runs.filter((r) => r.status === "waiting").map((r) => r.id);
  const steps = waitingIds.length ? await prisma.runStep.findMany({ where: { runId: { in: waitingIds }, status: "waiting" }, select: { runId: true, status: true, kind: true, outputJson: true } }) : [];
  return runs.map((r) => ({
    ...r,
    status: r.status as RunStatus,
    waitingFor: runWaitingReason(
      r,
      steps.filter((s) => s.runId === r.id),
    ),
  }));
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

function newestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** For the Today page: every queued, running or waiting run, and runs that failed recently. */
export async function listActiveAndRecentFailedRuns(options: { failedSinceHours?: number; limit?: number } = {}) {
  const limit = options.limit ?? 20;
  const since = new Date(Date.now() - (options.failedSinceHours ?? 24) * 3_600_000);
  const [active, failed] = await Promise.all([
    prisma.run.findMany({ where: { status: { in: [...ACTIVE_RUN_STATUSES] } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: RUN_LIST_SELECT }),
    prisma.run.findMany({ where: { status: "failed", createdAt: { gte: since } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: RUN_LIST_SELECT }),
  ]);
  const withCall = <T extends { trigger: string; pipelineName: string }>(r: T) => ({ ...r, call: adHocCallOf(r) });
  return { active: (await withWaitingReasons(active)).map(withCall), failed: (await withWaitingReasons(failed)).map(withCall) };
}
