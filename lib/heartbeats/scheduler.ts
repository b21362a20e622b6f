// The scheduler: one per process (app and `npm run worker` may both run one). It keeps one timer, set
// at the earliest of every heartbeat's next due time and grace end, so a late heartbeat is marked when
// its grace ends rather than at the next poll; a periodic look picks up edits, pings and run results
// from other processes. A tick is claimed by one conditional UPDATE of the heartbeat's watermark
// (lastTickAt), so two schedulers never start the same tick; event rows are unique per (heartbeat,
// kind, due time) as a second guard.
import "server-only";
import { randomUUID } from "node:crypto";
import { dbReady, isUniqueViolation, prepared, prisma, sqlDate, writeTransaction } from "@/lib/db/client";
import { Liveness } from "@/lib/db/liveness";
import { publicMessage } from "@/lib/errors";
import { systemClock, type Clock, type TimerHandle } from "@/lib/heartbeats/clock";
import { hasActiveRun, overlapStatuses, queueAlertRun, SCHEDULER_ACTOR, startHeartbeatRun, writeRunStarted } from "@/lib/heartbeats/control";
import { queueRuns } from "@/lib/engine/queue-run";
import { isBudgetExceeded } from "@/lib/spend/budget";
import { loadHeartbeats, type HeartbeatDefinition } from "@/lib/heartbeats/definitions";
import { writeHeartbeatEvents } from "@/lib/heartbeats/events";
import { callPrecondition, type PreconditionCaller } from "@/lib/heartbeats/precondition";
import { pruneHeartbeatEvents, PRUNE_EVERY_MS } from "@/lib/heartbeats/prune";
import { localSchedulers, type LocalScheduler } from "@/lib/heartbeats/registry";
import { computeStatus, nextDueAfter } from "@/lib/heartbeats/status";
import { recordFinishedRuns } from "@/lib/heartbeats/run-results";
import { alertPendingIncidents, ensureHeartbeatStates, evaluateIncident, openIncidents, pendingAlertAt, writeEvent, writeSignal, type StateRow } from "@/lib/heartbeats/store";
import type { PipelineTrigger } from "@/lib/engine/engine.schema";
import { ACTIVE_RUN_STATUSES } from "@/lib/engine/run-status";

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

type Claim = { def: HeartbeatDefinition; state: StateRow; prev: Date | null; to: Date; missed: Date[]; onTime: Date | null; capped: boolean; silent: boolean };
type LateMark = { def: HeartbeatDefinition; state: StateRow; dueAt: Date };
type DueTick = { def: HeartbeatDefinition; state: StateRow; dueAt: Date; trigger: PipelineTrigger; message: string };
const MAX_ENUMERATED_TICKS = 10_000;
const MAX_MISSED_ROWS = 100;

export class HeartbeatScheduler implements LocalScheduler {
  readonly id: string;
  private readonly clock: Clock;
  private readonly root: string | undefined;
  private readonly precondition: PreconditionCaller;
  private readonly reconcileMs: number;
  private readonly missedAfterMs: number;
  private timer: TimerHandle | null = null;
  private readonly liveness: Liveness;
  private chain: Promise<void> = Promise.resolve();
  private passQueued = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly lateMarked = new Set<string>();
  /** heartbeats with a tick in progress here, from its claim until its run is queued (a `when:` call may take 2 minutes) */
  private readonly ticking = new Set<string>();
  private prunedAt: number | null = null;
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
    this.liveness = new Liveness(this.id, "scheduler", options.beatMs ?? 5_000);
  }

  async start(): Promise<this> {
    await dbReady();
    localSchedulers().add(this);
    await this.liveness.start();
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
      .catch((error: unknown) => {
        console.error("[scheduler] pass failed", error);
        // a pass that failed (SQLITE_BUSY) planned no wake: look again after the periodic interval
        this.plan(this.clock.now() + this.reconcileMs);
      });
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
    await this.settle();
    localSchedulers().delete(this);
    await this.liveness.stop();
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
    await recordFinishedRuns(heartbeats, now);
    let wake = now.getTime() + this.reconcileMs;
    const claims: Claim[] = [];
    const late: LateMark[] = [];
    const pending: { def: HeartbeatDefinition; state: StateRow }[] = [];
    for (const def of heartbeats) {
      const state = states.get(def.slug);
      if (!state) continue;
      // an incident that opened while the last alert was under an hour old (it flapped) and is still open
      const alertAt = pendingAlertAt(state);
      if (alertAt && alertAt <= now) pending.push({ def, state });
      else if (alertAt) wake = Math.min(wake, alertAt.getTime());
      if (def.kind === "pipeline") {
        const plan = this.planTicks(def, state, now);
        if (plan.claim) claims.push(plan.claim);
        if (plan.next) wake = Math.min(wake, plan.next.getTime());
      }
      const status = computeStatus(def, state, now, { nextDue: false });
      if (status.status === "late" && status.expectedDueAt) {
        if (!this.lateMarked.has(`${state.id}:${status.expectedDueAt.getTime()}`)) late.push({ def, state, dueAt: status.expectedDueAt });
      } else if (status.lateAt && status.status !== "paused" && status.lateAt > now) wake = Math.min(wake, status.lateAt.getTime());
    }
    if (late.length) await this.markLate(late);
    if (pending.length) await alertPendingIncidents(pending, now, queueAlertRun);
    if (claims.length) await this.claimTicks(claims);
    this.plan(wake);
    await this.prune(now);
  }

  /** Prunes the heartbeats' events (lib/heartbeats/prune.ts), at most every PRUNE_EVERY_MS in this process. */
  private async prune(now: Date): Promise<void> {
    if (this.prunedAt !== null && now.getTime() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now.getTime();
    try {
      await pruneHeartbeatEvents();
    } catch (error) {
      console.error("[scheduler] pruning heartbeat events failed", error);
    }
  }

  private plan(at: number): void {
    this.timer?.cancel();
    if (this.stopped) return;
    this.nextWakeAt = at;
    this.timer = this.clock.setTimer(() => this.poke(), Math.max(0, at - this.clock.now()));
  }

  /** The due times that fell since the last handled one (to claim), and the next due time. */
  private planTicks(def: HeartbeatDefinition, state: StateRow, now: Date): { claim?: Claim; next: Date | null } {
    const prev = state.lastTickAt;
    if (state.pausedAt || !prev) {
      // a new heartbeat starts watching from now; ticks while paused are neither run nor missed
      const claim = !prev || (nextDueAfter(def, prev) ?? now) <= now ? { def, state, prev, to: now, missed: [], onTime: null, capped: false, silent: true } : undefined;
      return { claim, next: nextDueAfter(def, claim || !prev ? now : prev) };
    }
    const dues: Date[] = [];
    let cursor: Date | null = nextDueAfter(def, prev);
    while (cursor && cursor <= now && dues.length < MAX_ENUMERATED_TICKS) {
      dues.push(cursor);
      cursor = nextDueAfter(def, cursor);
    }
    if (dues.length === 0) return { next: cursor };
    const capped = cursor !== null && cursor <= now;
    const last = dues[dues.length - 1];
    const onTime = !capped && now.getTime() - last.getTime() <= this.missedAfterMs ? last : null;
    const to = capped ? now : last;
    return { claim: { def, state, prev, to, missed: onTime ? dues.slice(0, -1) : dues, onTime, capped, silent: false }, next: nextDueAfter(def, to) };
  }

  /**
   * Claims ticks with one conditional UPDATE each (all in one transaction): only the scheduler that moves a
   * heartbeat's watermark from the value it read owns the due times in between.
   */
  private async claimTicks(claims: Claim[]): Promise<void> {
    // prepared statements in one transaction: Prisma's per-query cost for 500 claims was a good part of a second
    const results = await writeTransaction((db) => {
      const claim = prepared(db, `UPDATE "HeartbeatState" SET "lastTickAt" = ? WHERE "id" = ? AND "lastTickAt" IS ?`);
      return claims.map((c) => claim.run(sqlDate(c.to), c.state.id, c.prev ? sqlDate(c.prev) : null).changes);
    });
    const won = claims.filter((c, i) => {
      if (results[i] !== 1) return false;
      c.state.lastTickAt = c.to;
      return !c.silent;
    });
    if (won.length) this.detach(this.runClaimed(won));
  }

  /**
   * Records the missed and skipped ticks of a burst in one transaction, queues the due runs in another
   * (one commit for hundreds of heartbeats due in the same second); ticks with a `when:` precondition
   * make their tool call first, one by one. A heartbeat whose previous tick is still in progress here (in
   * its precondition) is busy as if its run were going: decided before the first await, so of two ticks one
   * always sees the other, either still in progress or with its run queued.
   */
  private async runClaimed(claims: Claim[]): Promise<void> {
    const inProgress = new Set(claims.filter((c) => this.ticking.has(c.def.slug)).map((c) => c.def.slug));
    const owned = new Set(claims.map((c) => c.def.slug).filter((slug) => !inProgress.has(slug)));
    for (const slug of owned) this.ticking.add(slug);
    // each heartbeat's mark is let go as soon as its own tick is done, not after the whole burst's preconditions
    const release = (slug: string) => owned.delete(slug) && this.ticking.delete(slug);
    try {
      await this.runOwned(claims, inProgress, release);
    } finally {
      for (const slug of [...owned]) release(slug);
    }
  }

  private async runOwned(claims: Claim[], inProgress: Set<string>, release: (slug: string) => void): Promise<void> {
    const active = await prisma.run.findMany({
      where: { heartbeatSlug: { in: claims.map((c) => c.def.slug) }, status: { in: [...ACTIVE_RUN_STATUSES] } },
      select: { heartbeatSlug: true, status: true },
    });
    const bySlug = new Map(claims.map((c) => [c.def.slug, c.def]));
    const busy = new Set(active.filter((r) => r.heartbeatSlug && overlapStatuses(bySlug.get(r.heartbeatSlug) ?? { overlap: "skip" }).includes(r.status)).map((r) => r.heartbeatSlug));
    const rows: { heartbeatId: string; kind: "missed" | "skipped"; dueAt: Date; message: string }[] = [];
    const ticks: DueTick[] = [];
    for (const c of claims) {
      const recorded = c.missed.slice(-MAX_MISSED_ROWS);
      recorded.forEach((dueAt, i) => {
        const more = i === recorded.length - 1 && (c.missed.length > recorded.length || c.capped) ? ` (${c.capped ? "more than " : ""}${c.missed.length} missed in all)` : "";
        rows.push({ heartbeatId: c.state.id, kind: "missed", dueAt, message: `Switchboard was not running at this due time${more}` });
      });
      const last = c.missed[c.missed.length - 1];
      const tick: Omit<DueTick, "def" | "state"> | null = c.onTime
        ? { dueAt: c.onTime, trigger: "schedule", message: "schedule" }
        : last && c.def.catchUp === "one"
          ? { dueAt: last, trigger: "catch-up", message: `catch-up for ${c.missed.length} missed tick${c.missed.length === 1 ? "" : "s"}` }
          : null;
      if (!tick) continue;
      if (inProgress.has(c.def.slug)) rows.push({ heartbeatId: c.state.id, kind: "skipped", dueAt: tick.dueAt, message: "the previous tick is still going" });
      else if (busy.has(c.def.slug)) rows.push({ heartbeatId: c.state.id, kind: "skipped", dueAt: tick.dueAt, message: "the previous run is still going" });
      else ticks.push({ def: c.def, state: c.state, ...tick });
    }
    const at = new Date(this.clock.now());
    await writeHeartbeatEvents(
      rows.map((r) => ({ ...r, at })),
      { ignoreDuplicates: true },
    );
    for (const c of claims) if (!ticks.some((t) => t.def === c.def)) release(c.def.slug);
    const plain = ticks.filter((t) => !t.def.when);
    if (plain.length) await this.startRuns(plain);
    for (const t of plain) release(t.def.slug);
    for (const t of ticks.filter((t) => t.def.when)) {
      await this.tick(t.def, t.state, t.dueAt, t.trigger, t.message);
      release(t.def.slug);
    }
  }

  /** Queues the runs of many ticks and records each as its heartbeat's start, all in one commit. */
  private async startRuns(ticks: DueTick[]): Promise<void> {
    let startedAt: Date | null = null;
    const results = await queueRuns(
      ticks.map((t) => ({ pipelineSlug: t.def.pipelineSlug ?? "", clientSlug: t.def.clientSlug, inputs: t.def.inputs, createdBy: SCHEDULER_ACTOR, trigger: t.trigger, heartbeatSlug: t.def.slug })),
      // the start is when the runs are queued, inside their transaction, not when the batch was prepared
      { also: (db, runId, i) => writeRunStarted(db, ticks[i].state.id, runId, (startedAt ??= new Date(this.clock.now())), ticks[i].dueAt, ticks[i].message) },
    );
    const at = startedAt ?? new Date(this.clock.now());
    for (const [i, r] of results.entries()) {
      // a client at its budget: the tick is skipped with the reason, not a failure of the job
      if ("error" in r && isBudgetExceeded(r.error)) await writeEvent(ticks[i].state.id, "skipped", at, { dueAt: ticks[i].dueAt, message: r.error.message });
      else if ("error" in r) await this.signal(ticks[i].def, ticks[i].state, { kind: "fail", at, dueAt: ticks[i].dueAt, message: `the run could not start: ${publicMessage(r.error)}` });
    }
  }

  /** A tick with a `when:` precondition: the read-only tool call decides whether the run starts. */
  private async tick(def: HeartbeatDefinition, state: StateRow, dueAt: Date, trigger: PipelineTrigger, message?: string): Promise<void> {
    const at = () => new Date(this.clock.now());
    if (def.when) {
      const result = await this.precondition(def);
      if (result.error || result.empty) {
        const ref = `${def.when.server}/${def.when.tool}`;
        await this.signal(
          def,
          state,
          result.error ? { kind: "fail", at: at(), dueAt, message: `precondition ${ref} failed: ${result.error}` } : { kind: "nothing", at: at(), dueAt, message: `nothing to do: ${ref} returned nothing` },
        );
        return;
      }
      // the call may have taken minutes: a run another process started meanwhile is still going now
      if (await hasActiveRun(def)) {
        await writeEvent(state.id, "skipped", at(), { dueAt, message: "the previous run is still going" });
        return;
      }
    }
    try {
      await startHeartbeatRun(def, state, { trigger, dueAt, at: at(), message });
    } catch (error) {
      if (isBudgetExceeded(error)) await writeEvent(state.id, "skipped", at(), { dueAt, message: error.message });
      else await this.signal(def, state, { kind: "fail", at: at(), dueAt, message: `the run could not start: ${publicMessage(error)}` });
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

  /**
   * Marks heartbeats late in one transaction (a grace end shared by hundreds costs one write), then opens their
   * incidents. A late row another pass or process wrote already does not stop the incident opening: if that
   * writer failed (or died) before opening it, this one does; openIncidents' conditional UPDATE still lets
   * only one of them alert. Only once both are done is the mark remembered, so a failure is retried next pass.
   */
  private async markLate(marks: LateMark[]): Promise<void> {
    const at = new Date(this.clock.now());
    await writeHeartbeatEvents(
      marks.map((m) => ({ heartbeatId: m.state.id, kind: "late", at, dueAt: m.dueAt, message: `no success within ${Math.round(m.def.graceMs / 1000)} s of the due time` })),
      { ignoreDuplicates: true },
    );
    await openIncidents(
      marks.filter((m) => !m.state.incidentOpen).map((m) => ({ def: m.def, state: m.state })),
      at,
      queueAlertRun,
    );
    for (const m of marks) this.lateMarked.add(`${m.state.id}:${m.dueAt.getTime()}`);
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
