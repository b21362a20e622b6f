// The one writer of NotificationOutbox rows. It sits at the db level, below every domain, because the row
// must be written inside the transaction of the event that causes it (a draft opened in lib/drafts, a run
// ended in lib/engine, a heartbeat event in lib/heartbeats, a step's cost in lib/spend): an event whose
// transaction rolls back leaves no row, and a row is never missing for an event that committed. The
// sender and the channels live at the top, in lib/notify. Rows are unique per dedupe key (one incident,
// draft or budget threshold); a second writer of the same key writes nothing.
import "server-only";
import { randomBytes } from "node:crypto";
import { prepared, sqlDate, type Sqlite } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

export const NOTIFICATION_EVENTS = [
  "draft.waiting",
  "run.failed",
  "run.outcome-unknown",
  "run.input-needed",
  "heartbeat.failing",
  "heartbeat.late",
  "heartbeat.recovered",
  "budget.warning",
  "budget.reached",
  "tool.changed",
  "channel.failing",
] as const;

export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** What a notification says; `path` is the item's page on this site (made absolute when sent). */
export type OutboxPayload = { title: string; text: string; path: string };

export type OutboxEntry = OutboxPayload & {
  event: NotificationEvent;
  dedupeKey: string;
  /** the client's slug, or its id (resolved in the same statement), or neither */
  clientSlug?: string | null;
  clientId?: string | null;
  at: Date;
};

const INSERT = `INSERT INTO "NotificationOutbox" ("id", "event", "dedupeKey", "client", "payloadJson", "createdAt", "nextAttemptAt")
  VALUES (@id, @event, @dedupeKey, COALESCE(@clientSlug, (SELECT "slug" FROM "Client" WHERE "id" = @clientId)), @payloadJson, @at, @at)
  ON CONFLICT ("dedupeKey") DO NOTHING`;

export function newOutboxId(): string {
  return `nt${randomBytes(12).toString("hex")}`;
}

function params(e: OutboxEntry) {
  return {
    id: newOutboxId(),
    event: e.event,
    dedupeKey: e.dedupeKey,
    clientSlug: e.clientSlug ?? null,
    clientId: e.clientId ?? null,
    payloadJson: JSON.stringify({ title: e.title, text: e.text, path: e.path } satisfies OutboxPayload),
    at: sqlDate(e.at),
  };
}

/** Inside a `writeTransaction`: one INSERT; false when the dedupe key was already written. */
export function insertOutboxRow(db: Sqlite, entry: OutboxEntry): boolean {
  return prepared(db, INSERT).run(params(entry)).changes === 1;
}

/** Inside a Prisma transaction (`tx`): the same INSERT, committed or rolled back with the caller's writes. */
export async function createOutboxRow(tx: Pick<Prisma.TransactionClient, "$executeRawUnsafe">, entry: OutboxEntry): Promise<boolean> {
  const p = params(entry);
  const count = await tx.$executeRawUnsafe(INSERT.replace(/@(\w+)/g, "?"), ...[...INSERT.matchAll(/@(\w+)/g)].map((m) => p[m[1] as keyof typeof p]));
  return count === 1;
}
