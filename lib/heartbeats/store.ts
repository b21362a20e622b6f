// Heartbeat rows: one HeartbeatState per heartbeat (created on first sight, with its ping token) and
// its events. Every signal writes its event and the state's summary columns in one transaction.
import "server-only";
import { isUniqueViolation, prepared, prisma, sqlDate, writeTransaction } from "@/lib/db/client";
import { publicMessage } from "@/lib/errors";
import type { HeartbeatDefinition } from "@/lib/heartbeats/definitions";
import { clipMessage, insertHeartbeatEvents, writeHeartbeatEvents, type HeartbeatEventRow } from "@/lib/heartbeats/events";
import type { HeartbeatEventKind } from "@/lib/heartbeats/heartbeats.schema";
import { hashPingToken, newPingToken, sealPingToken } from "@/lib/heartbeats/ping-token";
import { ALERT_INTERVAL_MS, computeStatus, type HeartbeatStateRow } from "@/lib/heartbeats/status";

export const STATE_SELECT = {
  id: true,
  slug: true,
  createdAt: true,
  pausedAt: true,
  resumedAt: true,
  lastTickAt: true,
  lastSignalAt: true,
  lastSuccessAt: true,
  lastFailAt: true,
  lastStartAt: true,
  lastNothingAt: true,
  lastError: true,
  incidentOpen: true,
  flappedAt: true,
  lastAlertAt: true,
} as const;

export type StateRow = HeartbeatStateRow & { id: string; slug: string; lastTickAt: Date | null; incidentOpen: boolean; lastAlertAt?: Date | null };

/** The state row of each heartbeat, created (with a fresh ping token) for those seen the first time. */
export async function ensureHeartbeatStates(defs: Pick<HeartbeatDefinition, "slug">[], now = new Date()): Promise<Map<string, StateRow>> {
  const slugs = defs.map((d) => d.slug);
  // one plain read of every row beats a long IN list: the table holds one row per heartbeat ever seen
  const rows = slugs.length > 50 ? await prisma.heartbeatState.findMany({ select: STATE_SELECT }) : await prisma.heartbeatState.findMany({ where: { slug: { in: slugs } }, select: STATE_SELECT });
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  const missing = slugs.filter((slug) => !bySlug.has(slug));
  if (missing.length > 1) {
    // first sight of many (a fresh install, a folder of pipelines copied in): one transaction, not one commit each
    const rows = missing.map((slug) => {
      const token = newPingToken();
      return { slug, pingToken: hashPingToken(token), pingTokenSealed: sealPingToken(token), createdAt: now };
    });
    try {
      await prisma.heartbeatState.createMany({ data: rows });
      for (const row of await prisma.heartbeatState.findMany({ where: { slug: { in: missing } }, select: STATE_SELECT })) bySlug.set(row.slug, row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // another process created some: fall back to one by one
    }
  }
  for (const slug of slugs) {
    if (bySlug.has(slug)) continue;
    const token = newPingToken();
    try {
      const row = await prisma.heartbeatState.create({
        data: { slug, pingToken: hashPingToken(token), pingTokenSealed: sealPingToken(token), createdAt: now },
        select: STATE_SELECT,
      });
      bySlug.set(slug, row);
    } catch (error) {
      // another process created it at the same moment: read theirs
      if (!isUniqueViolation(error)) throw error;
      const row = await prisma.heartbeatState.findUnique({ where: { slug }, select: STATE_SELECT });
      if (row) bySlug.set(slug, row);
    }
  }
  return bySlug;
}

export async function readState(id: string): Promise<StateRow | null> {
  return prisma.heartbeatState.findUnique({ where: { id }, select: STATE_SELECT });
}

export type SignalInput = {
  kind: Extract<HeartbeatEventKind, "start" | "success" | "fail" | "nothing">;
  at: Date;
  exitCode?: number | null;
  message?: string | null;
  runId?: string | null;
  dueAt?: Date | null;
  durationMs?: number | null;
};

/** Records a start, success, failure or "nothing to do"; a success or failure after a start gets its duration. */
export async function writeSignal(state: StateRow, signal: SignalInput): Promise<void> {
  const lastResult = [state.lastSuccessAt, state.lastFailAt].reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
  const openStart = state.lastStartAt && (!lastResult || state.lastStartAt > lastResult) ? state.lastStartAt : null;
  const durationMs = signal.durationMs ?? ((signal.kind === "success" || signal.kind === "fail") && openStart ? signal.at.getTime() - openStart.getTime() : null);
  const column = { start: "lastStartAt", success: "lastSuccessAt", fail: "lastFailAt", nothing: "lastNothingAt" }[signal.kind];
  const lastError = signal.kind === "fail" ? (clipMessage(signal.message) ?? (signal.exitCode != null ? `exit code ${signal.exitCode}` : "failed")) : null;
  const at = sqlDate(signal.at);
  // a duplicate (heartbeat, kind, due time) throws here and rolls the state's change back with it
  await writeTransaction((db) => {
    insertHeartbeatEvents(db, [{ heartbeatId: state.id, kind: signal.kind, at: signal.at, dueAt: signal.dueAt, exitCode: signal.exitCode, durationMs, runId: signal.runId, message: signal.message }]);
    prepared(db, `UPDATE "HeartbeatState" SET "lastSignalAt" = ?, "${column}" = ?${signal.kind === "fail" ? `, "lastError" = ?` : ""} WHERE "id" = ?`).run(
      ...(signal.kind === "fail" ? [at, at, lastError, state.id] : [at, at, state.id]),
    );
  });
}

/** Records an event that is not a signal (missed, skipped, late, alert, recovered, paused, resumed, run). */
export async function writeEvent(heartbeatId: string, kind: HeartbeatEventKind, at: Date, extra: Pick<HeartbeatEventRow, "dueAt" | "message" | "runId" | "notify"> = {}): Promise<boolean> {
  // false: the same (heartbeat, kind, due time) was recorded by another scheduler
  const [written] = await writeHeartbeatEvents([{ heartbeatId, kind, at, dueAt: extra.dueAt, message: extra.message, runId: extra.runId, notify: extra.notify }], { ignoreDuplicates: true });
  return written;
}

export type AlertQueuer = (def: HeartbeatDefinition, input: { name: string; status: string; error: string }) => Promise<string>;

/**
 * Opens incidents with one conditional UPDATE each (in one transaction), so two processes never both
 * alert; for each one opened, an alert event and, when the heartbeat names one, its on_failure run. A
 * flapping heartbeat (fail, success, fail...) opens an incident each time, but alerts at most once an hour:
 * a second conditional UPDATE claims the alert (lastAlertAt an hour old or more); an incident that cannot
 * is recorded as flapping instead (shown on /heartbeats), with no second run. If it is still open when the
 * hour is up, the scheduler alerts it then (alertPendingIncidents).
 */
export async function openIncidents(entries: { def: HeartbeatDefinition; state: StateRow }[], now: Date, queueAlert: AlertQueuer): Promise<void> {
  if (entries.length === 0) return;
  const flipped = await prisma.$transaction(entries.map((e) => prisma.heartbeatState.updateMany({ where: { id: e.state.id, incidentOpen: false }, data: { incidentOpen: true } })));
  const alerts: HeartbeatEventRow[] = [];
  const alertBefore = new Date(now.getTime() - ALERT_INTERVAL_MS);
  for (const [i, { def, state }] of entries.entries()) {
    if (flipped[i].count !== 1) continue;
    state.incidentOpen = true;
    const { status } = computeStatus(def, state, now, { nextDue: false });
    const claimed = await prisma.heartbeatState.updateMany({ where: { id: state.id, OR: [{ lastAlertAt: null }, { lastAlertAt: { lte: alertBefore } }] }, data: { lastAlertAt: now } });
    if (claimed.count !== 1) {
      await prisma.heartbeatState.update({ where: { id: state.id }, data: { flappedAt: now } });
      state.flappedAt = now;
      continue;
    }
    state.lastAlertAt = now;
    alerts.push(await alertRow(def, state, status, now, queueAlert));
  }
  await writeHeartbeatEvents(alerts);
}

/** The alert event (with its notification) of an incident whose alert was claimed; queues on_failure when named. */
async function alertRow(def: HeartbeatDefinition, state: StateRow, status: string, now: Date, queueAlert: AlertQueuer, prefix = ""): Promise<HeartbeatEventRow> {
  const error = status === "failing" ? (state.lastError ?? "failed") : "no success since it was due";
  let message = `${prefix}${status}: ${error}`;
  let runId: string | null = null;
  if (def.onFailure) {
    try {
      runId = await queueAlert(def, { name: def.name, status, error });
      message += `; started ${def.onFailure}`;
    } catch (e) {
      message += `; ${def.onFailure} could not start: ${publicMessage(e)}`;
    }
  }
  const event = status === "late" ? "heartbeat.late" : "heartbeat.failing";
  const notify = { event, dedupeKey: `${event}:${state.id}:${now.getTime()}`, clientSlug: def.clientSlug ?? null, title: `${def.name} is ${status}`, text: error, path: `/heartbeats/${def.slug}` } as const;
  return { heartbeatId: state.id, kind: "alert", at: now, message, runId, notify };
}

/**
 * When an open incident that never alerted (it opened within the hour after the last alert: the heartbeat
 * flapped) may alert: an hour after that alert. Null when there is none.
 */
export function pendingAlertAt(state: StateRow): Date | null {
  if (!state.incidentOpen || !state.flappedAt || !state.lastAlertAt || state.flappedAt <= state.lastAlertAt) return null;
  return new Date(state.lastAlertAt.getTime() + ALERT_INTERVAL_MS);
}

/**
 * Alerts incidents still open that never alerted, once their alert slot is free (pendingAlertAt has
 * passed): a heartbeat that flapped and then stayed failing or late is alerted (event, notification,
 * on_failure run) instead of leaving "up again" as the last word. The claim is a conditional UPDATE on the
 * values read, so two processes never both alert, and one that recovered meanwhile is not alerted.
 */
export async function alertPendingIncidents(entries: { def: HeartbeatDefinition; state: StateRow }[], now: Date, queueAlert: AlertQueuer): Promise<void> {
  const alerts: HeartbeatEventRow[] = [];
  for (const { def, state } of entries) {
    const due = pendingAlertAt(state);
    if (!due || due > now) continue;
    const { status } = computeStatus(def, state, now, { nextDue: false });
    if (status !== "failing" && status !== "late") continue;
    const claimed = await prisma.heartbeatState.updateMany({
      where: { id: state.id, incidentOpen: true, flappedAt: state.flappedAt, lastAlertAt: state.lastAlertAt },
      data: { lastAlertAt: now },
    });
    if (claimed.count !== 1) continue;
    state.lastAlertAt = now;
    alerts.push(await alertRow(def, state, status, now, queueAlert, "still "));
  }
  await writeHeartbeatEvents(alerts);
}

/** Opens an incident when the heartbeat turns failing or late (one alert per incident) and closes it, recording the recovery, when it is up again. */
export async function evaluateIncident(def: HeartbeatDefinition, heartbeatId: string, now: Date, queueAlert: AlertQueuer): Promise<void> {
  const state = await readState(heartbeatId);
  if (!state) return;
  const { status } = computeStatus(def, state, now, { nextDue: false });
  if ((status === "failing" || status === "late") && !state.incidentOpen) {
    await openIncidents([{ def, state }], now, queueAlert);
  } else if (status === "up" && state.incidentOpen) {
    const { count } = await prisma.heartbeatState.updateMany({ where: { id: heartbeatId, incidentOpen: true }, data: { incidentOpen: false } });
    const notify = {
      event: "heartbeat.recovered",
      dedupeKey: `heartbeat.recovered:${heartbeatId}:${now.getTime()}`,
      clientSlug: def.clientSlug ?? null,
      title: `${def.name} is up again`,
      text: "It recovered.",
      path: `/heartbeats/${def.slug}`,
    } as const;
    if (count === 1) await writeEvent(heartbeatId, "recovered", now, { message: "up again", notify });
  }
}
