// The notification sender, in the worker beside the run worker and the scheduler: it claims due outbox
// rows with one conditional UPDATE (two senders, in one process or two, never claim the same row),
// delivers each to every channel that takes its event and client, records every attempt in the delivery
// log, and retries what failed with exponential backoff. A channel that already has a `sent` record for a
// row is not sent it again, so a retry after a partial failure reaches only the channels that failed.
//
// What a crash does: a row written by an event is in the database before anything is sent, so a crash
// between the event and the send delivers after the restart (the row is still pending). A crash during a
// send leaves the row claimed; when its lease ends another sender claims it and sends again, so a channel
// may receive it twice, with the same `id` (receivers can drop repeats). Drafts that wait for the same
// client and are claimed together go out as one message ("3 drafts wait for Acme").
import "server-only";
import { randomUUID } from "node:crypto";
import { prepared, prisma, sqlDate, sqlite, writeTransaction } from "@/lib/db/client";
import { insertOutboxRow, type OutboxPayload } from "@/lib/db/outbox";
import { publicUrl } from "@/lib/env";
import { publicMessage } from "@/lib/errors";
import { sendToChannel, type NotificationMessage } from "@/lib/notify/channels";
import { channelTakes, loadNotificationChannels, maskAddress, type Channel } from "@/lib/notify/config";
import { listStoredChannels } from "@/lib/notify/stored-channels";

export type SenderOptions = {
  id?: string;
  pollMs?: number;
  /** how long a claim holds before another sender may take the row over (a crashed sender's) */
  leaseMs?: number;
  /** the first retry's delay; each next one doubles, up to `maxBackoffMs` */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** attempts before a row is given up (state `failed`, kept in the log) */
  maxAttempts?: number;
  batch?: number;
  now?: () => number;
  channels?: () => Promise<Channel[]>;
};

type OutboxRow = { id: string; event: string; dedupeKey: string; client: string | null; payloadJson: string; createdAt: string; attempts: number };

type Failure = { channels: string[]; error: string };

const CLAIM_SQL = `
  UPDATE "NotificationOutbox" SET "state" = 'sending', "leaseOwner" = @owner, "leaseExpiresAt" = @leaseUntil, "attempts" = "attempts" + 1
  WHERE "id" IN (
    SELECT "id" FROM "NotificationOutbox"
    WHERE ("state" = 'pending' AND "nextAttemptAt" <= @now) OR ("state" = 'sending' AND "leaseExpiresAt" < @now)
    ORDER BY "createdAt", "id" LIMIT @batch
  )
  RETURNING "id", "event", "dedupeKey", "client", "payloadJson", "createdAt", "attempts"`;

// a plain read first: an idle sender never takes SQLite's write lock
const ANY_DUE_SQL = `SELECT 1 FROM "NotificationOutbox"
  WHERE ("state" = 'pending' AND "nextAttemptAt" <= @now) OR ("state" = 'sending' AND "leaseExpiresAt" < @now) LIMIT 1`;

const FINISH_SQL = `UPDATE "NotificationOutbox" SET "state" = @state, "nextAttemptAt" = @next, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "lastError" = @error
  WHERE "id" = @id AND "leaseOwner" = @owner AND "state" = 'sending'`;

/** Every channel: the workspace's notifications.yaml, then those kept in the database. */
export async function allChannels(): Promise<Channel[]> {
  return [...loadNotificationChannels().channels, ...(await listStoredChannels())];
}

/** The retry delay after `attempts` failed attempts. */
export function backoffDelay(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

export function absoluteUrl(path: string): string {
  return new URL(path, publicUrl()).toString();
}

export class NotificationSender {
  readonly id: string;
  private readonly options: Required<Omit<SenderOptions, "id">>;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(options: SenderOptions = {}) {
    this.id = options.id ?? `sender-${randomUUID()}`;
    this.options = {
      pollMs: options.pollMs ?? 2_000,
      leaseMs: options.leaseMs ?? 120_000,
      backoffMs: options.backoffMs ?? 30_000,
      maxBackoffMs: options.maxBackoffMs ?? 3_600_000,
      maxAttempts: options.maxAttempts ?? 10,
      batch: options.batch ?? 50,
      now: options.now ?? Date.now,
      channels: options.channels ?? allChannels,
    };
  }

  start(): this {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.ticking = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => console.error("[notify] sending failed:", error))
        .finally(() => {
          this.ticking = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.options.pollMs);
        });
    };
    loop();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  /** Claims what is due and sends it; the number of outbox rows claimed. */
  async tick(): Promise<number> {
    const now = this.options.now();
    if (!prepared(await sqlite(), ANY_DUE_SQL).get({ now: sqlDate(new Date(now)) })) return 0;
    const rows = (await writeTransaction((db) =>
      prepared(db, CLAIM_SQL).all({ owner: this.id, now: sqlDate(new Date(now)), leaseUntil: sqlDate(new Date(now + this.options.leaseMs)), batch: this.options.batch }),
    )) as OutboxRow[];
    if (rows.length === 0) return 0;
    const channels = await this.options.channels();
    const groups = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = row.event === "draft.waiting" && row.client ? `draft.waiting:${row.client}` : row.id;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const group of groups.values()) {
      // a slow channel must not let the claim of the rows still to send run out (another sender would send them too)
      await prisma.notificationOutbox.updateMany({
        where: { id: { in: group.map((r) => r.id) }, leaseOwner: this.id, state: "sending" },
        data: { leaseExpiresAt: new Date(this.options.now() + this.options.leaseMs) },
      });
      await this.deliverGroup(group, channels);
    }
    return rows.length;
  }

  private async deliverGroup(group: OutboxRow[], channels: Channel[]): Promise<void> {
    const { event, client } = group[0];
    // a channel is not told about its own failures
    const taking = channels.filter((c) => channelTakes(c, event, client) && !(event === "channel.failing" && group[0].dedupeKey.startsWith(`channel.failing:${c.name}:`)));
    const ids = group.map((r) => r.id);
    const sent = await prisma.notificationDelivery.findMany({ where: { outboxId: { in: ids }, status: "sent" }, select: { outboxId: true, channel: true } });
    const isSent = (rowId: string, channel: string) => sent.some((s) => s.outboxId === rowId && s.channel === channel);
    const failures = new Map<string, Failure>();
    for (const channel of taking) {
      const due = group.filter((r) => !isSent(r.id, channel.name));
      if (due.length === 0) continue;
      const message = await messageFor(due);
      let error: string | null = null;
      try {
        await sendToChannel(channel, message);
      } catch (e) {
        error = publicMessage(e);
        if (error !== (e as Error).message) console.error(`[notify] ${channel.name}:`, e);
        for (const r of due) {
          const failure = failures.get(r.id) ?? { channels: [], error: "" };
          failure.channels.push(channel.name);
          failure.error = failure.error ? `${failure.error}; ${channel.name}: ${error}` : `${channel.name}: ${error}`;
          failures.set(r.id, failure);
        }
      }
      await prisma.notificationDelivery.createMany({
        data: due.map((r) => ({
          outboxId: r.id,
          channel: channel.name,
          type: channel.type,
          recipient: maskAddress(channel),
          event,
          status: error ? "failed" : "sent",
          error,
          attempt: r.attempts,
          createdAt: new Date(this.options.now()),
        })),
      });
    }
    for (const row of group) await this.finish(row, failures.get(row.id) ?? null);
  }

  /**
   * Sent, or due again after the backoff, or given up; only while this sender still holds the claim. A
   * row given up writes channel.failing for each channel that failed it (once a day per channel), in the
   * same transaction, for the other channels that take that event.
   */
  private async finish(row: OutboxRow, failure: Failure | null): Promise<void> {
    const now = this.options.now();
    const givenUp = failure !== null && row.attempts >= this.options.maxAttempts;
    const state = failure === null ? "sent" : givenUp ? "failed" : "pending";
    const next = new Date(now + (failure ? backoffDelay(row.attempts, this.options.backoffMs, this.options.maxBackoffMs) : 0));
    await writeTransaction((db) => {
      const { changes } = prepared(db, FINISH_SQL).run({ id: row.id, owner: this.id, state, next: sqlDate(next), error: failure?.error ?? null });
      if (changes !== 1 || !givenUp || row.event === "channel.failing") return;
      const title = (JSON.parse(row.payloadJson) as OutboxPayload).title;
      const day = new Date(now).toISOString().slice(0, 10);
      for (const name of failure.channels) {
        insertOutboxRow(db, {
          event: "channel.failing",
          dedupeKey: `channel.failing:${name}:${day}`,
          title: `The notification channel ${name} keeps failing`,
          text: `${row.attempts} attempts to send "${title}" failed. ${failure.error}`,
          path: "/settings#notifications",
          at: new Date(now),
        });
      }
    });
  }
}

async function clientName(slug: string | null): Promise<string | null> {
  if (!slug) return null;
  return (await prisma.client.findUnique({ where: { slug }, select: { name: true } }))?.name ?? slug;
}

/** One message for one row, or for several drafts of one client ("3 drafts wait for Acme"). */
export async function messageFor(rows: OutboxRow[]): Promise<NotificationMessage> {
  const first = rows[0];
  const payload = JSON.parse(first.payloadJson) as OutboxPayload;
  const at = new Date(first.createdAt).toISOString();
  if (rows.length === 1) return { id: first.id, event: first.event, title: payload.title, text: payload.text, url: absoluteUrl(payload.path), client: first.client, at };
  const titles = rows.map((r) => (JSON.parse(r.payloadJson) as OutboxPayload).title.replace(/^A draft waits: /, ""));
  const shown = titles.slice(0, 10).map((t) => `- ${t}`);
  if (titles.length > 10) shown.push(`- and ${titles.length - 10} more`);
  return {
    // the smallest id of the group: the same on a retry of the same group
    id: [...rows.map((r) => r.id)].sort()[0],
    event: first.event,
    title: `${rows.length} drafts wait for ${(await clientName(first.client)) ?? "no client"}`,
    text: shown.join("\n"),
    url: absoluteUrl(`/drafts?client=${encodeURIComponent(first.client ?? "")}`),
    client: first.client,
    at,
  };
}

/** Sends a test message to one channel now and records it in the log (Settings' "send a test"). */
export async function sendTestNotification(channel: Channel, by: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const message: NotificationMessage = {
    id: `test-${randomUUID()}`,
    event: "test",
    title: "A test from Switchboard",
    text: `${by} sent this test to the channel "${channel.name}".`,
    url: absoluteUrl("/settings#notifications"),
    client: null,
    at: new Date().toISOString(),
  };
  let error: string | null = null;
  try {
    await sendToChannel(channel, message);
  } catch (e) {
    error = publicMessage(e);
  }
  await prisma.notificationDelivery.create({ data: { channel: channel.name, type: channel.type, recipient: maskAddress(channel), event: "test", status: error ? "failed" : "sent", error } });
  return error ? { ok: false, error } : { ok: true };
}

const globalForSender = globalThis as unknown as { switchboardSender?: NotificationSender };

/** The process's sender (one per process, on globalThis), started on first call. */
export function startSender(options: SenderOptions = {}): NotificationSender {
  globalForSender.switchboardSender ??= new NotificationSender(options).start();
  return globalForSender.switchboardSender;
}

export async function stopSender(): Promise<void> {
  const sender = globalForSender.switchboardSender;
  globalForSender.switchboardSender = undefined;
  await sender?.stop();
}
