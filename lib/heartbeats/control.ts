// What people (and the scheduler) do to a heartbeat: queue its pipeline, pause, resume, run now,
// regenerate the ping token. Server actions and the JSON API both call these.
import "server-only";
import { recordAudit, type Actor } from "@/lib/audit";
import { prepared, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import { NotFoundError, SafeError } from "@/lib/errors";
import type { PipelineTrigger } from "@/lib/engine/engine.schema";
import { ACTIVE_RUN_STATUSES } from "@/lib/engine/run-status";
import { queueRun } from "@/lib/engine/queue-run";
import { loadHeartbeats, type HeartbeatDefinition } from "@/lib/heartbeats/definitions";
import { insertHeartbeatEvents } from "@/lib/heartbeats/events";
import { hashPingToken, newPingToken, sealPingToken } from "@/lib/heartbeats/ping-token";
import { ensureHeartbeatStates, evaluateIncident, writeEvent, type AlertQueuer, type StateRow } from "@/lib/heartbeats/store";
import { pokeLocalSchedulers } from "@/lib/heartbeats/registry";
import { getPipeline } from "@/lib/pipelines/load-pipelines";

export const SCHEDULER_ACTOR = { id: null, label: "scheduler" };

/**
 * The run statuses that count as "still going" for the overlap rule: queued, running and waiting; with
 * `overlap: skip-while-running` a run waiting for a human (an approval) does not block the next start.
 */
export function overlapStatuses(def: Pick<HeartbeatDefinition, "overlap">): string[] {
  return def.overlap === "skip-while-running" ? ACTIVE_RUN_STATUSES.filter((s) => s !== "waiting") : [...ACTIVE_RUN_STATUSES];
}

/** Whether a run of this heartbeat is still going (the overlap rule). */
export async function hasActiveRun(def: Pick<HeartbeatDefinition, "slug" | "overlap">): Promise<boolean> {
  const run = await prisma.run.findFirst({ where: { heartbeatSlug: def.slug, status: { in: overlapStatuses(def) } }, select: { id: true } });
  return run !== null;
}

/** Queues the heartbeat's pipeline and records the run as a start. */
export async function startHeartbeatRun(def: HeartbeatDefinition, state: StateRow, options: { trigger: PipelineTrigger; actor?: Actor; dueAt?: Date | null; at: Date; message?: string }): Promise<string> {
  if (!def.pipelineSlug) throw new SafeError(`"${def.name}" runs elsewhere and only pings; it cannot be run from here`);
  const runId = await queueRun({
    pipelineSlug: def.pipelineSlug,
    clientSlug: def.clientSlug,
    inputs: def.inputs,
    createdBy: options.actor ?? SCHEDULER_ACTOR,
    trigger: options.trigger,
    heartbeatSlug: def.slug,
  });
  await writeTransaction((db) => writeRunStarted(db, state.id, runId, options.at, options.dueAt ?? null, options.message ?? options.trigger));
  return runId;
}

/**
 * Records a run as the heartbeat's start, inside a caller's writeTransaction (one queued run, or the
 * scheduler's burst of ticks): the run event's durationMs is filled in when the run's result is recorded.
 */
export function writeRunStarted(db: Sqlite, heartbeatId: string, runId: string, at: Date, dueAt: Date | null, message: string): void {
  insertHeartbeatEvents(db, [{ heartbeatId, kind: "run", at, dueAt, runId, message }]);
  const when = sqlDate(at);
  prepared(db, `UPDATE "HeartbeatState" SET "lastStartAt" = ?, "lastSignalAt" = ? WHERE "id" = ?`).run(when, when, heartbeatId);
}

/** The on_failure pipeline with the heartbeat's name, status and last error as inputs (those it declares). */
export const queueAlertRun: AlertQueuer = async (def, input) => {
  const slug = def.onFailure;
  if (!slug) throw new SafeError("no on_failure pipeline");
  const pipeline = getPipeline(slug)?.definition;
  if (!pipeline) throw new SafeError(`the pipeline "${slug}" is missing or has errors`);
  const offered: Record<string, string> = { name: input.name, status: input.status, error: input.error, heartbeat: def.slug };
  const inputs = Object.fromEntries(Object.entries(offered).filter(([k]) => k in pipeline.inputs));
  const clientSlug = def.clientSlug && (!pipeline.clients || pipeline.clients.includes(def.clientSlug)) ? def.clientSlug : null;
  return queueRun({ pipelineSlug: slug, clientSlug, inputs, createdBy: { id: null, label: `heartbeat ${def.slug}` }, trigger: "schedule" });
};

export async function requireHeartbeat(slug: string): Promise<{ def: HeartbeatDefinition; state: StateRow }> {
  const def = loadHeartbeats().heartbeats.find((h) => h.slug === slug);
  if (!def) throw new NotFoundError(`No heartbeat "${slug.slice(0, 80)}"`);
  const state = (await ensureHeartbeatStates([def])).get(slug);
  if (!state) throw new NotFoundError(`No heartbeat "${slug.slice(0, 80)}"`);
  return { def, state };
}

export async function pauseHeartbeat(slug: string, actor: Actor, now = new Date()): Promise<{ paused: true }> {
  const { state } = await requireHeartbeat(slug);
  const { count } = await prisma.heartbeatState.updateMany({ where: { id: state.id, pausedAt: null }, data: { pausedAt: now } });
  if (count === 1) {
    await writeEvent(state.id, "paused", now, { message: `paused by ${actor.label}` });
    await recordAudit({ actor, action: "heartbeat.pause", targetType: "heartbeat", targetId: slug });
    pokeLocalSchedulers();
  }
  return { paused: true };
}

/** Resumes watching from now: ticks that fell while paused are neither run nor reported as missed. */
export async function resumeHeartbeat(slug: string, actor: Actor, now = new Date()): Promise<{ paused: false }> {
  const { def, state } = await requireHeartbeat(slug);
  const { count } = await prisma.heartbeatState.updateMany({ where: { id: state.id, pausedAt: { not: null } }, data: { pausedAt: null, resumedAt: now, lastTickAt: now } });
  if (count === 1) {
    await writeEvent(state.id, "resumed", now, { message: `resumed by ${actor.label}` });
    await recordAudit({ actor, action: "heartbeat.resume", targetType: "heartbeat", targetId: slug });
    await evaluateIncident(def, state.id, now, queueAlertRun);
    pokeLocalSchedulers();
  }
  return { paused: false };
}

export async function runHeartbeatNow(slug: string, actor: Actor, now = new Date()): Promise<{ id: string }> {
  const { def, state } = await requireHeartbeat(slug);
  if (await hasActiveRun(def)) throw new SafeError(`"${def.name}" is still running; it starts again once that run ends`, 409);
  const id = await startHeartbeatRun(def, state, { trigger: "manual", actor, at: now, message: `run now by ${actor.label}` });
  await recordAudit({ actor, action: "heartbeat.run", targetType: "heartbeat", targetId: slug, data: { runId: id } });
  return { id };
}

/** A new ping token; the old URL stops working at once. Returns the new token (for the admin to copy). */
export async function regeneratePingToken(slug: string, actor: Actor): Promise<{ token: string }> {
  const { state } = await requireHeartbeat(slug);
  const token = newPingToken();
  await prisma.heartbeatState.update({ where: { id: state.id }, data: { pingToken: hashPingToken(token), pingTokenSealed: sealPingToken(token) } });
  await recordAudit({ actor, action: "heartbeat.token", targetType: "heartbeat", targetId: slug });
  return { token };
}
