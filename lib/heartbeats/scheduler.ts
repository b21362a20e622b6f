// The scheduler: one per process (app and `npm run worker` may both run one). It keeps one timer, set
// at the earliest of every heartbeat's next due time and grace end, so a late heartbeat is marked when
// its grace ends rather than at the next poll; a periodic look picks up edits, pings and run results
// from other processes. A tick is claimed by one conditional UPDATE of the heartbeat's watermark
// (lastTickAt), so two schedulers never start the same tick; event rows are unique per (heartbeat,
// kind, due time) as a second guard.
import { randomUUID } from "node:crypto";
import { dbReady, isUniqueViolation, prisma } from "@/lib/db";
import { publicMessage } from "@/lib/errors";
import { systemClock, type Clock, type TimerHandle } from "@/lib/heartbeats/clock";
import { hasActiveRun, queueAlertRun, startHeartbeatRun } from "@/lib/heartbeats/control";
import { cronFor, loadHeartbeats, type HeartbeatDefinition } from "@/lib/heartbeats/definitions";
import { callPrecondition, type PreconditionCaller } from "@/lib/heartbeats/precondition";
import { localSchedulers, type LocalScheduler } from "@/lib/heartbeats/registry";
import { computeStatus, nextDueAfter } from "@/lib/heartbeats/status";
import { ensureHeartbeatStates, evaluateIncident, readState, writeEvent, writeSignal, type StateRow } from "@/lib/heartbeats/store";
import type { RunTrigger } from "@/lib/engine/engine.schema";

export type SchedulerOptions = {
  id?: string;
  clock?: Clock;
  /** the workspace folder (default: SWITCHBOARD_WORKSPACE) */
  root?: string;
  precondition?: PreconditionCaller;
  /** how often it looks for edits, pings and run results from other processes (default 2 s) */
  reconcileMs?: number;
  /** a due time handled later than this after it fell is "missed" (Switchboard was down) */
  missedAfterMs?: number;
  beatMs?: number;
};

const FINISHED = ["succeeded", "failed", "cancelled", "rejected"];
const MAX_ENUMERATED_TICKS = 10_000;
const MAX_MISSED_ROWS = 100;

export class HeartbeatScheduler implements LocalScheduler {
  readonly id: string;
  private readonly clock: Clock;
  private readonly root: string | undefined;
  private readonly precondition: PreconditionCaller;
  private readonly reconcileMs: number;
  private readonly missedAfterMs: number;
  private readonly beatMs: number;
  private timer: TimerHandle | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private passQueued = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly lateMarked = new Set<string>();
  private stopped = false;
  /** errors of the last look at the workspace (file and line), for /heartbeats */
  errors: string[] = [];
  /** when the timer fires next (ms since epoch) */
  nextWakeAt: number | null = null;

  constructor(options: SchedulerOptions = {}) {
    this.id = options.id ?? `scheduler-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.clock = options.clock ?? systemClock;
    this.root = options.root;
    this.precondition = options.precondition ?? callPrecondition;
    this.reconcileMs = options.reconcileMs ?? 2_000;
    this.missedAfterMs = options.missedAfterMs ?? 60_000;
    this.beatMs = options.beatMs ?? 5_000;
  }

  async start(): Promise<this> {
    await dbReady();
    localSchedulers().add(this);
    await this.beat();
    this.beatTimer = setInterval(() => void this.beat(), this.beatMs);
    this.beatTimer.unref();
    this.poke();
    await this.chain;
    return this;
  }

  /** Re-plans now (after a ping, a pause, a finished run). */
  poke(): void {
    if (this.stopped || this.passQueued) return;
    this.passQueued = true;
    this.chain = this.chain
      .then(() => {
        this.passQueued = false;
        return this.pass();
      })
      .catch((error: unknown) => console.error("[scheduler] pass failed", error));
  }

  /** Resolves once no pass and no tick is in progress (tests drive the clock, then settle). */
  async settle(): Promise<void> {
    for (;;) {
      const chain = this.chain;
      await chain;
      await Promise.all([...this.inflight]);
      if (chain === this.chain && this.inflight.size === 0) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    if (this.beatTimer) clearInterval(this.beatTimer);
    await this.settle();
    localSchedulers().delete(this);
    await prisma.workerBeat.deleteMany({ where: { id: this.id } }).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      await prisma.workerBeat.upsert({
        where: { id: this.id },
        create: { id: this.id, kind: "scheduler", pid: process.pid },
        update: { beatAt: new Date(), pid: process.pid },
      });
    } catch (error) {
      console.error("[scheduler] beat failed", error);
    }
  }

  private detach(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => console.error("[scheduler] tick failed", error))
      .finally(() => {
        this.inflight.delete(tracked);
        this.poke();
      });
    this.inflight.add(tracked);
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    const now = new Date(this.clock.now());
    const { heartbeats, errors } = loadHeartbeats(this.root);
    this.errors = errors;
    const states = await ensureHeartbeatStates(heartbeats, now);
    await this.recordFinishedRuns(heartbeats, now);
    let wake = now.getTime() + this.reconcileMs;
    for (const def of heartbeats) {
      const state = states.get(def.slug);
      if (!state) continue;
      try {
        if (def.kind === "pipeline") {
          const next = await this.handleTicks(def, state, now);
          if (next) wake = Math.min(wake, next.getTime());
        }
        const status = computeStatus(def, state, now);
        if (status.status === "late" && status.expectedDueAt) await this.markLate(def, state, status.expectedDueAt, now);
        else if (status.lateAt && status.status !== "paused" && status.lateAt > now) wake = Math.min(wake, status.lateAt.getTime());
      } catch (error) {
        console.error(`[scheduler] ${def.slug}:`, error);
      }
    }
    this.plan(wake);
  }

  private plan(at: number): void {
    this.timer?.cancel();
    if (this.stopped) return;
    this.nextWakeAt = at;
    this.timer = this.clock.setTimer(() => this.poke(), Math.max(0, at - this.clock.now()));
  }

  /** Claims the due times that fell since the last handled one; returns the next due time. */
  private async handleTicks(def: HeartbeatDefinition, state: StateRow, now: Date): Promise<Date | null> {
    const cron = cronFor(def);
    if (!cron) return null;
    const prev = state.lastTickAt;
    if (state.pausedAt || !prev) {
      // a new heartbeat starts watching from now; ticks while paused are neither run nor missed
      if (!prev || (cron.nextRun(prev) ?? now) <= now) {
        const { count } = await prisma.heartbeatState.updateMany({ where: { id: state.id, lastTickAt: prev }, data: { lastTickAt: now } });
        if (count === 1) state.lastTickAt = now;
      }
      return cron.nextRun(now);
    }
    const dues: Date[] = [];
    let cursor: Date | null = cron.nextRun(prev);
    while (cursor && cursor <= now && dues.length < MAX_ENUMERATED_TICKS) {
      dues.push(cursor);
      cursor = cron.nextRun(cursor);
    }
    if (dues.length === 0) return cursor;
    const capped = cursor !== null && cursor <= now;
    const latest = capped ? now : dues[dues.length - 1];
    const { count } = await prisma.heartbeatState.updateMany({ where: { id: state.id, lastTickAt: prev }, data: { lastTickAt: latest } });
    if (count === 0) return cron.nextRun(now); // another scheduler claimed these ticks
    state.lastTickAt = latest;
    const last = dues[dues.length - 1];
    const onTime = !capped && now.getTime() - last.getTime() <= this.missedAfterMs ? last : null;
    const missed = onTime ? dues.slice(0, -1) : dues;
    this.detach(this.afterClaim(def, state, missed, onTime, capped));
    return cron.nextRun(latest);
  }

  private async afterClaim(def: HeartbeatDefinition, state: StateRow, missed: Date[], onTime: Date | null, capped: boolean): Promise<void> {
    const at = new Date(this.clock.now());
    const recorded = missed.slice(-MAX_MISSED_ROWS);
    for (const [i, dueAt] of recorded.entries()) {
      const more = i === recorded.length - 1 && (missed.length > recorded.length || capped) ? ` (${capped ? "more than " : ""}${missed.length} missed in all)` : "";
      await writeEvent(state.id, "missed", at, { dueAt, message: `Switchboard was not running at this due time${more}` });
    }
    if (onTime) return this.tick(def, state, onTime, "schedule");
    if (missed.length > 0 && def.catchUp === "one") {
      return this.tick(def, state, missed[missed.length - 1], "catch-up", `catch-up for ${missed.length} missed tick${missed.length === 1 ? "" : "s"}`);
    }
  }

  private async tick(def: HeartbeatDefinition, state: StateRow, dueAt: Date, trigger: RunTrigger, message?: string): Promise<void> {
    const at = () => new Date(this.clock.now());
    if (await hasActiveRun(def.slug)) {
      await writeEvent(state.id, "skipped", at(), { dueAt, message: "the previous run is still going" });
      return;
    }
    if (def.when) {
      const result = await this.precondition(def);
      if (result.error || result.empty) {
        const ref = `${def.when.server}/${def.when.tool}`;
        await this.signal(def, state, result.error
          ? { kind: "fail", at: at(), dueAt, message: `precondition ${ref} failed: ${result.error}` }
          : { kind: "nothing", at: at(), dueAt, message: `nothing to do: ${ref} returned nothing` });
        return;
      }
    }
    try {
      await startHeartbeatRun(def, state, { trigger, dueAt, at: at(), message });
    } catch (error) {
      await this.signal(def, state, { kind: "fail", at: at(), dueAt, message: `the run could not start: ${publicMessage(error)}` });
    }
  }

  private async signal(def: HeartbeatDefinition, state: StateRow, input: Parameters<typeof writeSignal>[1]): Promise<void> {
    const fresh = (await prisma.heartbeatState.findUnique({ where: { id: state.id }, select: { lastStartAt: true, lastSuccessAt: true, lastFailAt: true } })) ?? {};
    try {
      await writeSignal({ ...state, ...fresh }, input);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return; // recorded by another scheduler
    }
    await evaluateIncident(def, state.id, new Date(this.clock.now()), queueAlertRun);
  }

  private async markLate(def: HeartbeatDefinition, state: StateRow, dueAt: Date, now: Date): Promise<void> {
    const key = `${state.id}:${dueAt.getTime()}`;
    if (this.lateMarked.has(key)) return;
    this.lateMarked.add(key);
    await writeEvent(state.id, "late", now, { dueAt, message: `no success within ${Math.round(def.graceMs / 1000)} s of the due time` });
    await evaluateIncident(def, state.id, now, queueAlertRun);
  }

  /** Records the result of each heartbeat run that finished since the last look (in any process). */
  private async recordFinishedRuns(heartbeats: HeartbeatDefinition[], now: Date): Promise<void> {
    const open = await prisma.heartbeatEvent.findMany({
      where: { kind: "run", durationMs: null, runId: { not: null } },
      select: { id: true, heartbeatId: true, runId: true },
      take: 1000,
    });
    if (open.length === 0) return;
    const runs = await prisma.run.findMany({
      where: { id: { in: open.map((o) => o.runId as string) }, status: { in: FINISHED } },
      select: { id: true, status: true, error: true, createdAt: true, startedAt: true, finishedAt: true, heartbeatSlug: true },
    });
    const bySlug = new Map(heartbeats.map((h) => [h.slug, h]));
    for (const run of runs) {
      const event = open.find((o) => o.runId === run.id);
      if (!event) continue;
      const finishedAt = run.finishedAt ?? now;
      // the scheduler's clock, not the worker's, orders this result among the heartbeat's other signals
      const at = finishedAt < now ? finishedAt : now;
      const durationMs = finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime();
      const ok = run.status === "succeeded" || run.status === "rejected";
      const message = run.status === "rejected" ? "the draft was rejected" : run.status === "cancelled" ? "the run was cancelled" : run.status === "failed" ? (run.error ?? "the run failed") : null;
      const state = await readState(event.heartbeatId);
      if (!state) continue;
      try {
        // keyed by the run's finish time: two schedulers recording the same result write it once
        await writeSignal(state, { kind: ok ? "success" : "fail", at, dueAt: finishedAt, runId: run.id, durationMs, message });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      await prisma.heartbeatEvent.updateMany({ where: { id: event.id, durationMs: null }, data: { durationMs } });
      const def = bySlug.get(state.slug);
      if (def) await evaluateIncident(def, state.id, now, queueAlertRun);
    }
  }
}

const globalForScheduler = globalThis as unknown as { switchboardScheduler?: Promise<HeartbeatScheduler> };

/** The process's scheduler (one per process, on globalThis), started on first call. */
export function startScheduler(options: SchedulerOptions = {}): Promise<HeartbeatScheduler> {
  globalForScheduler.switchboardScheduler ??= new HeartbeatScheduler(options).start();
  return globalForScheduler.switchboardScheduler;
}

export async function getScheduler(): Promise<HeartbeatScheduler | null> {
  return (await globalForScheduler.switchboardScheduler) ?? null;
}

export async function stopScheduler(): Promise<void> {
  const scheduler = await globalForScheduler.switchboardScheduler;
  globalForScheduler.switchboardScheduler = undefined;
  await scheduler?.stop();
}
