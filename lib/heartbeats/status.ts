// A heartbeat's status, computed from what was recorded (never from memory), so it is right straight
// after a restart: paused > failing (the last result failed) > late (due time plus grace passed with no
// success) > up (a success) > new. A start after the last result means it is running now. A heartbeat
// flaps when an incident opened within an hour of its last alert (then it queued no second alert).
import { cronFor, type HeartbeatDefinition } from "@/lib/heartbeats/definitions";
import type { HeartbeatStatus } from "@/lib/heartbeats/heartbeats.schema";

export type HeartbeatStateRow = {
  createdAt: Date;
  pausedAt: Date | null;
  resumedAt: Date | null;
  lastSuccessAt: Date | null;
  lastFailAt: Date | null;
  lastStartAt: Date | null;
  lastNothingAt: Date | null;
  lastSignalAt: Date | null;
  lastError: string | null;
  /** when an incident last opened within ALERT_INTERVAL_MS of the last alert, without alerting again */
  flappedAt?: Date | null;
};

/** A heartbeat alerts (queues its on_failure run) at most once in this time, however often it flaps. */
export const ALERT_INTERVAL_MS = 60 * 60_000;

export type ComputedStatus = {
  status: HeartbeatStatus;
  /** the due time the next success is expected by (after the last success, or since watching began) */
  expectedDueAt: Date | null;
  /** when the heartbeat turns (or turned) late: expectedDueAt + grace */
  lateAt: Date | null;
  /** the next due time from now, for the board */
  nextDueAt: Date | null;
  /** set while a job is running: its start */
  startedAt: Date | null;
  /** it turned failing or late again within the hour after an alert (and was not alerted again) */
  flapping: boolean;
};

/** Whether the heartbeat flapped (an incident opened again within the alert interval) in the last hour. */
export function isFlapping(state: Pick<HeartbeatStateRow, "flappedAt">, now: Date): boolean {
  return !!state.flappedAt && now.getTime() - state.flappedAt.getTime() < ALERT_INTERVAL_MS;
}

const latest = (...dates: (Date | null | undefined)[]): Date | null => dates.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);

// croner's nextRun costs a fraction of a millisecond; the scheduler asks the same question (the due
// time after a heartbeat's last success) on every pass, for every heartbeat
const dueCache = new Map<string, Date | null>();
const DUE_CACHE_MAX = 20_000;

/** The first due time strictly after `after`. */
export function nextDueAfter(def: Pick<HeartbeatDefinition, "cron" | "timezone" | "everyMs">, after: Date): Date | null {
  if (!def.cron) return def.everyMs ? new Date(after.getTime() + def.everyMs) : null;
  const key = `${def.timezone}\u0000${def.cron}\u0000${after.getTime()}`;
  if (dueCache.has(key)) return dueCache.get(key) ?? null;
  const due = cronFor(def)?.nextRun(after) ?? null;
  if (dueCache.size >= DUE_CACHE_MAX) dueCache.clear();
  dueCache.set(key, due);
  return due;
}

export function computeStatus(
  def: Pick<HeartbeatDefinition, "kind" | "cron" | "timezone" | "everyMs" | "graceMs">,
  state: HeartbeatStateRow,
  now: Date,
  options: { nextDue?: boolean } = { nextDue: true },
): ComputedStatus {
  const neverSignalled = !state.lastSuccessAt && !state.lastFailAt && !state.lastStartAt && !state.lastNothingAt;
  // like Healthchecks.io, a ping check waits for its first ping before it can be late (a job not yet set up
  // to ping is not an incident); a scheduled pipeline is Switchboard's own job and is late from its first due time
  if (def.kind === "ping" && neverSignalled) {
    return { status: state.pausedAt ? "paused" : "new", expectedDueAt: null, lateAt: null, nextDueAt: def.cron && options.nextDue ? nextDueAfter(def, now) : null, startedAt: null, flapping: false };
  }
  const lastResult = latest(state.lastSuccessAt, state.lastFailAt);
  const startedAt = state.lastStartAt && (!lastResult || state.lastStartAt > lastResult) ? state.lastStartAt : null;
  // a quiet tick ("nothing to do") shows the job checked in, so it moves the next expected time too
  const anchor = latest(state.lastSuccessAt, state.lastNothingAt, state.resumedAt, state.createdAt) ?? state.createdAt;
  const expectedDueAt = nextDueAfter(def, anchor);
  const lateAt = expectedDueAt ? new Date(expectedDueAt.getTime() + def.graceMs) : null;
  const nextDueAt = def.cron ? (options.nextDue ? nextDueAfter(def, now) : null) : expectedDueAt;
  let status: HeartbeatStatus;
  if (state.pausedAt) status = "paused";
  else if (state.lastFailAt && (!state.lastSuccessAt || state.lastFailAt > state.lastSuccessAt)) status = "failing";
  else if (lateAt && now >= lateAt) status = "late";
  else if (state.lastSuccessAt || state.lastNothingAt) status = "up";
  else status = "new";
  return { status, expectedDueAt, lateAt, nextDueAt, startedAt: state.pausedAt ? null : startedAt, flapping: !state.pausedAt && isFlapping(state, now) };
}
