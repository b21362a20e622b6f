// The one writer of HeartbeatEvent rows: every event (signals, runs, ticks missed or skipped, late, alerts,
// recoveries, pauses) is inserted here, as a prepared statement inside a `writeTransaction`, so a caller
// writes its event with the change it describes in one commit. Rows are unique per (heartbeat, kind, due
// time): `ignoreDuplicates` skips a row another scheduler wrote first; without it the duplicate throws
// (isUniqueViolation) and rolls back the caller's whole transaction. A row with `notify` (an incident
// opened, a recovery) also writes its notification to the outbox, only when the row itself was written.
import "server-only";
import { prepared, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import { insertOutboxRow, type OutboxEntry } from "@/lib/db/outbox";
import type { HeartbeatEventKind } from "@/lib/heartbeats/heartbeats.schema";

// a ping body is cut at 10 KB before it gets here; this leaves room for the note that says so
const MESSAGE_MAX = 11 * 1024;

export type HeartbeatEventRow = {
  heartbeatId: string;
  kind: HeartbeatEventKind;
  at: Date;
  dueAt?: Date | null;
  exitCode?: number | null;
  durationMs?: number | null;
  runId?: string | null;
  message?: string | null;
  notify?: Omit<OutboxEntry, "at"> | null;
};

export function clipMessage(text: string | null | undefined): string | null {
  if (!text) return null;
  return text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX)}…` : text;
}

const COLUMNS = `("heartbeatId", "kind", "at", "dueAt", "exitCode", "durationMs", "runId", "message") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

/** Inserts the rows inside a `writeTransaction`; for each, whether it was written (false: a duplicate, ignored). */
export function insertHeartbeatEvents(db: Sqlite, rows: HeartbeatEventRow[], options: { ignoreDuplicates?: boolean } = {}): boolean[] {
  const insert = prepared(db, `INSERT INTO "HeartbeatEvent" ${COLUMNS}${options.ignoreDuplicates ? " ON CONFLICT DO NOTHING" : ""}`);
  return rows.map((r) => {
    const written = insert.run(r.heartbeatId, r.kind, sqlDate(r.at), r.dueAt ? sqlDate(r.dueAt) : null, r.exitCode ?? null, r.durationMs ?? null, r.runId ?? null, clipMessage(r.message)).changes === 1;
    if (written && r.notify) insertOutboxRow(db, { ...r.notify, at: r.at });
    return written;
  });
}

/** `insertHeartbeatEvents` in a transaction of its own. */
export function writeHeartbeatEvents(rows: HeartbeatEventRow[], options: { ignoreDuplicates?: boolean } = {}): Promise<boolean[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return writeTransaction((db) => insertHeartbeatEvents(db, rows, options));
}

/** A run event's duration, set once its run's result is recorded (null until then: the run is still open). */
export function closeRunEvent(eventId: number, durationMs: number): Promise<void> {
  return writeTransaction((db) => {
    prepared(db, `UPDATE "HeartbeatEvent" SET "durationMs" = ? WHERE "id" = ? AND "durationMs" IS NULL`).run(durationMs, eventId);
  });
}
