// Keeps HeartbeatEvent bounded: a ping token may send 60 signals a minute (86,400 rows a day, each perhaps
// with a 10 KB body), so the scheduler prunes each heartbeat to its newest EVENTS_KEPT events, at most every
// PRUNE_EVERY_MS per process. What reads events keeps working: the page's history (HISTORY_LENGTH), the
// strip (the newest RESULTS_STRIP results, kept even behind newer events of other kinds), the result of a
// run not yet recorded (a run event stays while its durationMs is unset or its run has not finished), and
// the newest event of each kind (the late row of an incident still open guards its due time; its alert).
import "server-only";
import { prepared, sqlite, writeTransaction } from "@/lib/db/client";
import { ACTIVE_RUN_STATUSES } from "@/lib/engine/run-status";
import { HISTORY_LENGTH, RESULT_KINDS, RESULTS_STRIP } from "@/lib/heartbeats/heartbeats.schema";

/** Each heartbeat keeps its newest this many events (and those kept for the reasons above). */
export const EVENTS_KEPT = Math.max(500, HISTORY_LENGTH);
export const PRUNE_EVERY_MS = 5 * 60_000;
// rows deleted per transaction: a backlog of millions is deleted a batch at a time, letting others write between
const BATCH = 2_000;

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

// the newest event past the ones kept, if any (the index on heartbeatId, at makes this a short walk)
const CUTOFF = `SELECT "at", "id" FROM "HeartbeatEvent" WHERE "heartbeatId" = ? ORDER BY "at" DESC, "id" DESC LIMIT 1 OFFSET ?`;
const PROTECTED = `SELECT "id" FROM (
    SELECT "id", "kind",
      ROW_NUMBER() OVER (PARTITION BY "kind" ORDER BY "at" DESC, "id" DESC) AS "k",
      ROW_NUMBER() OVER (PARTITION BY "kind" IN (${list(RESULT_KINDS)}) ORDER BY "at" DESC, "id" DESC) AS "r"
    FROM "HeartbeatEvent" WHERE "heartbeatId" = ?)
  WHERE "k" = 1 OR ("kind" IN (${list(RESULT_KINDS)}) AND "r" <= ?)`;
const DELETE = `DELETE FROM "HeartbeatEvent" WHERE "id" IN (
    SELECT e."id" FROM "HeartbeatEvent" e
    WHERE e."heartbeatId" = ? AND (e."at" < ? OR (e."at" = ? AND e."id" <= ?))
      AND e."id" NOT IN (SELECT "value" FROM json_each(?))
      AND NOT (e."kind" = 'run' AND (e."durationMs" IS NULL
        OR EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = e."runId" AND r."status" IN (${list(ACTIVE_RUN_STATUSES)}))))
    LIMIT ?)`;

/** Deletes every heartbeat's events beyond what it keeps; returns how many were deleted. */
export async function pruneHeartbeatEvents(): Promise<number> {
  const db = await sqlite();
  const ids = prepared(db, `SELECT "id" FROM "HeartbeatState"`).all() as { id: string }[];
  let deleted = 0;
  for (const { id } of ids) {
    const cutoff = prepared(db, CUTOFF).get(id, EVENTS_KEPT) as { at: string; id: number } | undefined;
    if (!cutoff) continue; // within the limit
    const kept = (prepared(db, PROTECTED).all(id, RESULTS_STRIP) as { id: number }[]).map((r) => r.id);
    for (;;) {
      const changes = await writeTransaction((tx) => prepared(tx, DELETE).run(id, cutoff.at, cutoff.at, cutoff.id, JSON.stringify(kept), BATCH).changes);
      deleted += changes;
      if (changes < BATCH) break;
    }
  }
  return deleted;
}
