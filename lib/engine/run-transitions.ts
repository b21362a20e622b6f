// The run's state machine as its lease holder drives it, each transition one conditional UPDATE:
//   start     queued -> running under a lease (claimRuns), or an expired lease taken over (takeOverRun)
//             A worker's claim is its own lease holder (`<worker id>:<claim id>`), not the worker: when the
//             run is requeued and claimed again, even by the same worker, the first claim's executor holds
//             nothing any more (its renewals and writes fail and it stops).
//   end       running -> succeeded | failed | cancelled (endRun; interruptRun is the failed end a retry resumes)
//   wait      running -> waiting, a human decides (parkRun), or a tool asks for input (input-waits.ts);
//             never once a cancel was asked for (cancelRequested): the run ends cancelled instead
//   requeue   running -> queued between steps or after a dead worker (requeueRun); waiting -> queued (requeueIfUnblockedSql)
// A holder (a worker, a recoverer, the process running an ad-hoc call) changes a run only while it still
// holds the lease: the run's UPDATE names the holder, and the run's steps and its event are written only
// when that UPDATE changed the row, in the same transaction. A holder whose lease was taken changes nothing.
// Two workers (or two processes on one database file) can never both win a claim, and nothing reads then
// writes inside a deferred transaction. What people do to a run that no worker holds (cancel a queued or
// waiting run, retry a failed one, decide a draft or an unknown outcome) is in run-control.ts and
// approvals.ts, conditional on the run's status; an approval step's wait commits with its draft
// (execute-step.ts), under the same lease condition.
// A failed end and a wait for a human also write their notification to the outbox (lib/db/outbox.ts) in
// the same transaction; the other transitions, and every step that succeeds, write nothing more.
import "server-only";
import { randomBytes } from "node:crypto";
import { prepared, prisma, sqlDate, sqlite, writeTransaction, type Sqlite } from "@/lib/db/client";
import { insertOutboxRow, type NotificationEvent } from "@/lib/db/outbox";
import { ADHOC_TRIGGER } from "@/lib/engine/adhoc";
import { insertRunEvent, runEventRow } from "@/lib/engine/run-events";
import { Prisma } from "@/lib/generated/prisma/client";

const CLAIM_SQL = `
  UPDATE "Run" SET "status" = 'running', "leaseOwner" = @owner, "leaseExpiresAt" = @leaseUntil,
    "startedAt" = COALESCE("startedAt", @now), "updatedAt" = @now
  WHERE "id" = (
    SELECT r."id" FROM "Run" r
    WHERE r."status" = 'queued'
      AND (json_extract(r."pipelineJson", '$.concurrency') IS NULL OR (
        SELECT COUNT(*) FROM "Run" o
        WHERE o."status" IN ('running', 'waiting') AND o."pipelineSlug" = r."pipelineSlug" AND o."clientId" IS r."clientId"
      ) < json_extract(r."pipelineJson", '$.concurrency'))
    ORDER BY r."createdAt", r."id"
    LIMIT 1
  ) AND "status" = 'queued'
  RETURNING "id"`;

/** A claimed run and its lease holder: the claim's own `<worker id>:<claim id>`, what its executor writes under. */
export type Claim = { runId: string; owner: string };

/** The lease holder of one claim by `workerId`: no other claim, of this worker or another, has it. */
export function claimOwner(workerId: string): string {
  return `${workerId}:${randomBytes(6).toString("hex")}`;
}

/**
 * Claims the oldest queued run whose pipeline has room under its per-client `concurrency` (runs of the
 * same pipeline and client that are running or waiting count). One statement: the check and the claim
 * happen under SQLite's write lock together. The lease holder is `owner` itself.
 */
export async function claimNextRun(owner: string, leaseMs: number, now = new Date()): Promise<string | null> {
  return (await claimRuns(() => owner, leaseMs, 1, now))[0]?.runId ?? null;
}

/**
 * Claims up to `max` runs in one transaction (one commit), each by the conditional UPDATE above, so the
 * concurrency check of each claim sees the claims before it. Each claim's lease holder is `owner()`
 * (a worker passes `() => claimOwner(id)`: each claim its own holder).
 */
export async function claimRuns(owner: () => string, leaseMs: number, max: number, now = new Date()): Promise<Claim[]> {
  const times = { leaseUntil: sqlDate(new Date(now.getTime() + leaseMs)), now: sqlDate(now) };
  return writeTransaction((db) => {
    const claim = prepared(db, CLAIM_SQL);
    const claims: Claim[] = [];
    for (let i = 0; i < max; i++) {
      const holder = owner();
      const row = claim.get({ ...times, owner: holder }) as { id: string } | undefined;
      if (!row) break;
      claims.push({ runId: row.id, owner: holder });
    }
    return claims;
  });
}

/**
 * Extends the lease; false when `owner` (the claim) no longer holds the run (then it must stop writing). A
 * run `waiting` with a lease is an old-style input wait whose call this claim keeps open (input-waits.ts).
 */
export async function renewLease(runId: string, owner: string, leaseMs: number): Promise<boolean> {
  const { count } = await prisma.run.updateMany({
    where: { id: runId, leaseOwner: owner, status: { in: ["running", "waiting"] } },
    data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
  });
  return count === 1;
}

export type RunControl = { status: string; leaseOwner: string | null; cancelRequested: boolean };

/** What a worker checks between steps and while a step runs. */
export async function readRunControl(runId: string): Promise<RunControl | null> {
  const db = await sqlite();
  const row = prepared(db, `SELECT "status", "leaseOwner", "cancelRequested" FROM "Run" WHERE "id" = ?`).get(runId) as { status: string; leaseOwner: string | null; cancelRequested: number } | undefined;
  return row ? { status: row.status, leaseOwner: row.leaseOwner, cancelRequested: row.cancelRequested === 1 } : null;
}

/**
 * A run left `waiting` with no step waiting any more (its approval step was decided, or a crash came
 * between the two writes) goes back to the queue. Safe to repeat; used inside batches.
 */
export function requeueIfUnblockedSql(runId: string, now = new Date(), db: Pick<typeof prisma, "$executeRaw"> = prisma) {
  return db.$executeRaw`
    UPDATE "Run" SET "status" = 'queued', "updatedAt" = ${now}
    WHERE "id" = ${runId} AND "status" = 'waiting'
      AND NOT EXISTS (SELECT 1 FROM "RunStep" s WHERE s."runId" = "Run"."id" AND s."status" = 'waiting')`;
}

/**
 * Adds a pending attempt (attempt + 1) for every step whose latest attempt ended unfinished
 * (failed, cancelled, or left running/waiting), but only while the run is in one of `runStatuses`.
 * Conditional in SQL, so a second concurrent caller adds nothing.
 */
export function insertNextAttemptsSql(runId: string, runStatuses: readonly string[], stepStatuses: readonly string[] = ["failed", "cancelled", "running", "waiting"]) {
  return prisma.$executeRaw`
    INSERT INTO "RunStep" ("id", "runId", "stepId", "position", "kind", "status", "attempt")
    SELECT 'rs' || lower(hex(randomblob(12))), s."runId", s."stepId", s."position", s."kind", 'pending', s."attempt" + 1
    FROM "RunStep" s
    WHERE s."runId" = ${runId}
      AND s."status" IN (${Prisma.join(stepStatuses)})
      AND s."attempt" = (SELECT MAX(t."attempt") FROM "RunStep" t WHERE t."runId" = s."runId" AND t."stepId" = s."stepId")
      AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = ${runId} AND r."status" IN (${Prisma.join(runStatuses)}))`;
}

/** The SQL condition "the run is `@runId`, running, and `@owner` holds its lease". */
export const RUN_HELD = `"id" = @runId AND "leaseOwner" = @owner AND "status" = 'running'`;

/**
 * RUN_HELD, and no cancel asked for: the condition of every wait. A run whose cancel was asked for while
 * it ran (cancelRun sets the flag; the worker aborts the step) never starts waiting: it ends cancelled.
 */
export const RUN_HELD_NOT_CANCELLING = `${RUN_HELD} AND "cancelRequested" = 0`;

/**
 * Inside a `writeTransaction`: `owner` holds the run and a cancel was asked for. A step about to make the
 * run wait checks this first and ends the run cancelled instead (the wait's own UPDATE refuses it too).
 */
export function cancelRequestedWhileHeld(db: Sqlite, runId: string, owner: string): boolean {
  return prepared(db, `SELECT 1 FROM "Run" WHERE ${RUN_HELD} AND "cancelRequested" = 1`).get({ runId, owner }) !== undefined;
}

/** What becomes of the run's running steps (and, for an ad-hoc call, its started tool calls) when it ends. */
export type RunningStepsEnd = { status: "succeeded" | "failed" | "cancelled"; error: string | null; outputJson?: string; startedCallsError?: string };

export type RunEnd = {
  status: "succeeded" | "failed" | "cancelled";
  /** the run's status event */
  message: string;
  error: string | null;
  stepRowId?: string;
  runningSteps?: RunningStepsEnd;
};

const INTERRUPTED = JSON.stringify({ interrupted: true });

function endRunningSteps(db: Sqlite, runId: string, end: RunningStepsEnd, now: string): void {
  prepared(
    db,
    `UPDATE "RunStep" SET "status" = @status, "finishedAt" = @now, "error" = @error, "outputJson" = COALESCE(@outputJson, "outputJson")
    WHERE "runId" = @runId AND "status" = 'running'`,
  ).run({ runId, status: end.status, error: end.error, outputJson: end.outputJson ?? null, now });
  if (end.startedCallsError !== undefined) {
    prepared(db, `UPDATE "ToolCall" SET "status" = 'unknown', "isError" = 1, "error" = @error, "finishedAt" = @now WHERE "runId" = @runId AND "status" = 'started'`).run({ runId, error: end.startedCallsError, now });
  }
}

/**
 * end: the run `owner` holds ends, inside a `writeTransaction`. Its running steps (when `runningSteps`
 * says how) and its event are written only when `owner` still held it; false when it did not.
 */
export function endRun(db: Sqlite, runId: string, owner: string, end: RunEnd, now = new Date()): boolean {
  const at = sqlDate(now);
  const { changes } = prepared(
    db,
    `UPDATE "Run" SET "status" = @status, "error" = @error, "finishedAt" = @now, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
      "cancelRequested" = CASE WHEN @status = 'cancelled' THEN 1 ELSE "cancelRequested" END, "updatedAt" = @now
    WHERE ${RUN_HELD}`,
  ).run({ runId, owner, status: end.status, error: end.error, now: at });
  if (changes !== 1) return false;
  if (end.runningSteps) endRunningSteps(db, runId, end.runningSteps, at);
  insertRunEvent(db, runEventRow(runId, "status", end.message, { runStepId: end.stepRowId }), now);
  if (end.status === "failed") notifyRun(db, runId, "run.failed", `run.failed:${runId}:${now.getTime()}`, end.error ?? end.message, now);
  return true;
}

/**
 * The outbox row of a run's failure or wait: one read of the run (not on any success path), one INSERT.
 * An ad-hoc call (a person trying a tool on /tools) shows its result to that person: nobody is told.
 */
export function notifyRun(db: Sqlite, runId: string, event: NotificationEvent, dedupeKey: string, why: string, now: Date): void {
  const run = prepared(db, `SELECT "pipelineName", "clientId", "trigger" FROM "Run" WHERE "id" = ?`).get(runId) as { pipelineName: string; clientId: string | null; trigger: string } | undefined;
  if (!run || run.trigger === ADHOC_TRIGGER) return;
  const title = event === "run.failed" ? `Run of ${run.pipelineName} failed` : event === "run.input-needed" ? `Run of ${run.pipelineName} waits for input` : `Run of ${run.pipelineName} needs a decision`;
  insertOutboxRow(db, { event, dedupeKey, clientId: run.clientId, title, text: why, path: `/runs/${runId}`, at: now });
}

/** `endRun` in a transaction of its own. */
export function endRunNow(runId: string, owner: string, end: RunEnd, now = new Date()): Promise<boolean> {
  return writeTransaction((db) => endRun(db, runId, owner, end, now));
}

/**
 * interrupt: the run fails with its running steps marked interrupted, so a retry resumes from them
 * (shutdown after the grace period). Only while `owner` holds it.
 */
export function interruptRun(runId: string, owner: string, reason: string): Promise<boolean> {
  return endRunNow(runId, owner, {
    status: "failed",
    message: reason,
    error: `${reason}: retry the run to resume from this step`,
    runningSteps: { status: "failed", error: reason, outputJson: INTERRUPTED },
  });
}

/**
 * requeue: the run `owner` holds goes back to the queue; the next worker continues it. With
 * `interruptedSteps`, its running steps become interrupted attempts, each followed by a new pending one
 * (which reuses the interrupted attempt's idempotency key). False when `owner` no longer held it.
 */
export function requeueRun(db: Sqlite, runId: string, owner: string, message: string, options: { interruptedSteps?: string } = {}, now = new Date()): boolean {
  const at = sqlDate(now);
  const { changes } = prepared(db, `UPDATE "Run" SET "status" = 'queued', "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = @now WHERE ${RUN_HELD}`).run({
    runId,
    owner,
    now: at,
  });
  if (changes !== 1) return false;
  if (options.interruptedSteps !== undefined) {
    endRunningSteps(db, runId, { status: "failed", error: options.interruptedSteps, outputJson: INTERRUPTED }, at);
    prepared(
      db,
      `INSERT INTO "RunStep" ("id", "runId", "stepId", "position", "kind", "status", "attempt")
      SELECT 'rs' || lower(hex(randomblob(12))), s."runId", s."stepId", s."position", s."kind", 'pending', s."attempt" + 1
      FROM "RunStep" s
      WHERE s."runId" = @runId AND s."status" = 'failed'
        AND s."attempt" = (SELECT MAX(t."attempt") FROM "RunStep" t WHERE t."runId" = s."runId" AND t."stepId" = s."stepId")`,
    ).run({ runId });
  }
  insertRunEvent(db, runEventRow(runId, "status", message), now);
  return true;
}

/**
 * wait: the run `owner` holds waits for a human (a step's outcome is unknown); its event only when it held
 * it. False too when a cancel was asked for (cancelRequestedWhileHeld): that run ends cancelled instead.
 */
export function parkRun(db: Sqlite, runId: string, owner: string, error: string, message: string, stepRowId: string, now = new Date()): boolean {
  const { changes } = prepared(db, `UPDATE "Run" SET "status" = 'waiting', "error" = @error, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = @now WHERE ${RUN_HELD_NOT_CANCELLING}`).run({
    runId,
    owner,
    error,
    now: sqlDate(now),
  });
  if (changes !== 1) return false;
  insertRunEvent(db, runEventRow(runId, "status", message, { runStepId: stepRowId }), now);
  notifyRun(db, runId, "run.outcome-unknown", `run.outcome-unknown:${stepRowId}`, error, now);
  return true;
}

/**
 * start, for a run whose worker died: `recoverer` takes the lease of a running run whose lease expired.
 * False when another recoverer took it first, or its worker renewed in time.
 */
export async function takeOverRun(runId: string, recoverer: string, leaseMs: number, now = new Date()): Promise<boolean> {
  const { count } = await prisma.run.updateMany({
    where: { id: runId, ...leaseExpired(now) },
    data: { leaseOwner: recoverer, leaseExpiresAt: new Date(now.getTime() + leaseMs) },
  });
  return count === 1;
}

/** A running run whose lease has expired (or was never set): its holder is gone. */
export function leaseExpired(now: Date) {
  return { status: "running", OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] };
}
