// What the board, the heartbeat page, the Today page, the client page and GET /api/heartbeats show.
import "server-only";
import { prisma } from "@/lib/db/client";
import { publicUrl } from "@/lib/env";
import { describeSchedule, loadHeartbeats, type HeartbeatDefinition } from "@/lib/heartbeats/definitions";
import { HISTORY_LENGTH, RESULT_KINDS, RESULTS_STRIP, type HeartbeatSummary } from "@/lib/heartbeats/heartbeats.schema";
import { unsealPingToken } from "@/lib/heartbeats/ping-token";
import { computeStatus } from "@/lib/heartbeats/status";
import { ensureHeartbeatStates, type StateRow } from "@/lib/heartbeats/store";

export function pingUrlFor(token: string | null): string | null {
  if (!token) return null;
  return new URL(`/api/ping/${token}`, publicUrl()).toString();
}

async function pingUrls(ids: string[]): Promise<Map<string, string | null>> {
  const rows = await prisma.heartbeatState.findMany({ where: { id: { in: ids } }, select: { id: true, pingTokenSealed: true } });
  return new Map(rows.map((r) => [r.id, pingUrlFor(unsealPingToken(r.pingTokenSealed))]));
}

function summarise(def: HeartbeatDefinition, state: StateRow, now: Date, results: HeartbeatSummary["results"], pingUrl: string | null): HeartbeatSummary {
  const s = computeStatus(def, state, now);
  return {
    slug: def.slug,
    name: def.name,
    status: s.status,
    lastSignalAt: state.lastSignalAt?.toISOString() ?? null,
    nextDueAt: s.nextDueAt?.toISOString() ?? null,
    pingUrl,
    kind: def.kind,
    schedule: describeSchedule(def),
    timezone: def.timezone,
    graceMs: def.graceMs,
    client: def.clientSlug,
    lateAt: s.lateAt?.toISOString() ?? null,
    startedAt: s.startedAt?.toISOString() ?? null,
    lastError: s.status === "failing" ? state.lastError : null,
    flapping: s.flapping,
    results,
  };
}

async function recentResults(heartbeatId: string, take = RESULTS_STRIP): Promise<HeartbeatSummary["results"]> {
  const rows = await prisma.heartbeatEvent.findMany({
    where: { heartbeatId, kind: { in: [...RESULT_KINDS] } },
    orderBy: { at: "desc" },
    take,
    select: { kind: true, at: true, message: true },
  });
  return rows.reverse().map((r) => ({ kind: r.kind, at: r.at.toISOString(), message: r.message ? r.message.slice(0, 200) : null }));
}

const ORDER: Record<string, number> = { failing: 0, late: 1, new: 2, up: 3, paused: 4 };

/**
 * Every heartbeat with its status, failing and late first; `errors` name the file and line of what could
 * not be read. `withPingUrls`: a ping URL is a credential, for those who may run pipelines (a signed-in
 * user, a run or admin token), never a read token: left out, pingUrl is null.
 */
export async function listHeartbeatSummaries(options: { clientSlug?: string; now?: Date; withPingUrls?: boolean } = {}): Promise<{ items: HeartbeatSummary[]; errors: string[] }> {
  const now = options.now ?? new Date();
  const { heartbeats, errors } = loadHeartbeats();
  const defs = options.clientSlug ? heartbeats.filter((h) => h.clientSlug === options.clientSlug) : heartbeats;
  const states = await ensureHeartbeatStates(defs, now);
  const ids = [...states.values()].map((s) => s.id);
  const urls = options.withPingUrls ? await pingUrls(ids) : new Map<string, string | null>();
  const items = await Promise.all(
    defs.map(async (def) => {
      const state = states.get(def.slug);
      if (!state) return null;
      return summarise(def, state, now, await recentResults(state.id), urls.get(state.id) ?? null);
    }),
  );
  const list = items.filter((i): i is HeartbeatSummary => i !== null);
  list.sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || a.slug.localeCompare(b.slug));
  return { items: list, errors };
}

/** One heartbeat with its history of signals, runs, skipped, missed and "nothing to do" ticks (and its ping URL when `withPingUrl`). */
export async function getHeartbeatDetail(slug: string, now = new Date(), options: { withPingUrl?: boolean } = {}) {
  const def = loadHeartbeats().heartbeats.find((h) => h.slug === slug);
  if (!def) return null;
  const state = (await ensureHeartbeatStates([def], now)).get(slug);
  if (!state) return null;
  const [events, urls, results] = await Promise.all([
    prisma.heartbeatEvent.findMany({
      where: { heartbeatId: state.id },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: HISTORY_LENGTH,
      select: { id: true, kind: true, at: true, dueAt: true, exitCode: true, durationMs: true, runId: true, message: true },
    }),
    options.withPingUrl ? pingUrls([state.id]) : new Map<string, string | null>(),
    recentResults(state.id),
  ]);
  return {
    summary: summarise(def, state, now, results, urls.get(state.id) ?? null),
    definition: { file: def.file, catchUp: def.catchUp, onFailure: def.onFailure, when: def.when ? `${def.when.server}/${def.when.tool}` : null, pipelineSlug: def.pipelineSlug },
    events: events.map((e) => ({ ...e, at: e.at.toISOString(), dueAt: e.kind === "success" || e.kind === "fail" ? null : (e.dueAt?.toISOString() ?? null) })),
  };
}
export type HeartbeatDetail = NonNullable<Awaited<ReturnType<typeof getHeartbeatDetail>>>;
