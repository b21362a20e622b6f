// Claiming and holding runs. Every claim is one conditional UPDATE: two workers (or two processes on one
// database file) can never both win, and nothing reads then writes inside a deferred transaction.
import { prepared, prisma, sqlDate, sqlite, writeTransaction } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

const CLAIM_SQL = `
  UPDATE "Run" SET "status" = 'running', "leaseOwner" = @workerId, "leaseExpiresAt" = @leaseUntil,
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

/**
 * Claims the oldest queued run whose pipeline has room under its per-client `concurrency` (runs of the
 * same pipeline and client that are running or waiting count). One statement: the check and the claim
 * happen under SQLite's write lock together.
 */
export async function claimNextRun(workerId: string, leaseMs: number, now = new Date()): Promise<string | null> {
  return (await claimRuns(workerId, leaseMs, 1, now))[0] ?? null;
}

/**
 * Claims up to `max` runs in one transaction (one commit), each by the conditional UPDATE above, so the
 * concurrency check of each claim sees the claims before it.
 */
export async function claimRuns(workerId: string, leaseMs: number, max: number, now = new Date()): Promise<string[]> {
  const params = { workerId, leaseUntil: sqlDate(new Date(now.getTime() + leaseMs)), now: sqlDate(now) };
  return writeTransaction((db) => {
    const claim = prepared(db, CLAIM_SQL);
    const ids: string[] = [];
    for (let i = 0; i < max; i++) {
      const row = claim.get(params) as { id: string } | undefined;
      if (!row) break;
      ids.push(row.id);
    }
    return ids;
  });
}

/** Extends the lease; false when this worker no longer holds the run (then it must stop writing). */
export async function renewLease(runId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const { count } = await prisma.run.updateMany({
    where: { id: runId, leaseOwner: workerId, status: "running" },
    data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
  });
  return count === 1;
}

export type RunControl = { status: string; leaseOwner: string | null; cancelRequested: boolean };

/** What a worker checks between steps and while a step runs. */
export async function readRunControl(runId: string): Promise<RunControl | null> {
  const db = await sqlite();
  const row = prepared(db, `SELECT "status", "leaseOwner", "cancelRequested" FROM "Run" WHERE "id" = ?`).get(runId) as
    | { status: string; leaseOwner: string | null; cancelRequested: number }
    | undefined;
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
