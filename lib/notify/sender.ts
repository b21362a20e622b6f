// The notification sender, in the worker beside the run worker and the scheduler: it claims due outbox
// rows with one conditional UPDATE (two senders, in one process or two, never claim the same row),
// delivers each to every channel that takes its event and client, records every attempt in the delivery
// log, and retries what failed with exponential backoff. A channel that already has a `sent` record for a
// row is not sent it again, so a retry after a partial failure reaches only the channels that failed.
//
// What a crash does: a row written by an event is in the database before anything is sent, so a crash
// between the event and the send delivers after the restart (the row is still pending). A crash during a
// send leaves the row claimed; when its lease ends another sender claims it and sends again, so a channel
// may receive it twice, with the same `id` (receivers can drop repeats). Without a crash a row goes out
// once: each send first renews this sender's claim and sends only the rows still its own (a slow channel
// that outlasted the claim lets another sender take the rest, and that one sends them). Drafts that wait for the same
// client and are claimed together go out as one message ("3 drafts wait for Acme").
import "server-only";
import { randomUUID } from "node:crypto";
import { prepared, prisma, sqlDate, sqlite, writeTransaction } from "@/lib/db/client";
import { insertOutboxRow, type OutboxPayload } from "@/lib/db/outbox";
import { publicUrl } from "@/lib/env";
import { publicMessage } from "@/lib/errors";
import { sendToChannel, type NotificationMessage } from "@/lib/notify/channels";
import { channelTakes, loadNotificationChannels, maskAddress, type Channel } from "@/lib/notify/config";
import { holdUntil, personTakes, preferencesOf, type Preferences } from "@/lib/notify/preferences";
import { listStoredChannels, type StoredChannel } from "@/lib/notify/stored-channels";

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

/** The channels that failed a row, each with its own error. */
type Failure = { name: string; error: string }[];

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

// renews this sender's claim on one row it is about to send; no change when another sender took it over
// (this one's lease ran out on a slow channel) or it is no longer being sent
const KEEP_SQL = `UPDATE "NotificationOutbox" SET "leaseExpiresAt" = @leaseUntil WHERE "id" = @id AND "leaseOwner" = @owner AND "state" = 'sending'`;

const FINISH_SQL = `UPDATE "NotificationOutbox" SET "state" = @state, "nextAttemptAt" = @next, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "lastError" = @error
  WHERE "id" = @id AND "leaseOwner" = @owner AND "state" = 'sending'`;

/** Every team channel: the workspace's notifications.yaml, then the team's kept in the database. */
export async function allChannels(): Promise<Channel[]> {
  return [...loadNotificationChannels().channels, ...(await listStoredChannels({ ownerId: null }))];
}

/** A person who has channels of their own, with their preferences (their own, or the admins' defaults). */
type Person = { id: string; role: string; prefs: Preferences; channels: StoredChannel[] };

async function people(): Promise<Person[]> {
  const owned = await listStoredChannels({ ownerId: { not: null } });
  const ids = [...new Set(owned.map((c) => c.ownerId as string))];
  if (ids.length === 0) return [];
  const users = await prisma.user.findMany({ where: { id: { in: ids }, disabledAt: null }, select: { id: true, role: true } });
  return Promise.all(
    users.map(async (u) => {
      const prefs = await preferencesOf(u.id);
      const channels = owned.filter((c) => c.ownerId === u.id && (prefs.channels === null || prefs.channels.includes(c.id)));
      return { id: u.id, role: u.role, prefs, channels };
    }),
  );
}

/** The person's channels that take this event and client, by their preferences and each channel's own list. */
function personalChannels(person: Person, event: string, client: string | null): Channel[] {
  if (!personTakes(person.prefs, person.role, event, client)) return [];
  return person.channels.filter((c) => channelTakes(c, event, client));
}

/** The channel a channel.failing row is about (its dedupe key is channel.failing:<name>:<day>), or null. */
function failingChannelOf(row: OutboxRow): string | null {
  if (row.event !== "channel.failing") return null;
  return /^channel\.failing:(.+):\d{4}-\d{2}-\d{2}$/.exec(row.dedupeKey)?.[1] ?? null;
}

/** A channel is not told about its own failures (a team channel or a person's own alike). */
function aboutItself(channel: Channel, row: OutboxRow): boolean {
  return failingChannelOf(row) === channel.name;
}

/**
 * Who gets a row: the team's channels and every person it suits; but channel.failing about a person's own
 * channel goes to its owner alone (its title and error are theirs: a refused address names a host and an
 * IP), and about a kept channel that is gone (a push subscription removed), to nobody.
 */
async function audienceOf(row: OutboxRow): Promise<{ team: boolean; person: string | null }> {
  const about = failingChannelOf(row);
  if (!about?.startsWith("stored:")) return { team: true, person: null };
  const stored = await prisma.notificationChannel.findUnique({ where: { id: about.slice("stored:".length) }, select: { ownerId: true } });
  if (!stored) return { team: false, person: "" };
  return stored.ownerId === null ? { team: true, person: null } : { team: false, person: stored.ownerId };
}

type HoldRow = { id: string; userId: string; outboxId: string; kind: string; attempts: number };

const HOLD_SQL = `INSERT OR IGNORE INTO "NotificationHold" ("id", "userId", "outboxId", "kind", "releaseAt", "attempts", "createdAt") VALUES (@id, @userId, @outboxId, @kind, @releaseAt, 0, @now)`;

// a hold's claim is its attempts count (each claim adds one): the claim is still this sender's while the
// count is the one its claim returned (another sender's claim adds one; a release deletes the hold)
const KEEP_HOLD_SQL = `UPDATE "NotificationHold" SET "releaseAt" = @leaseUntil WHERE "id" = @id AND "attempts" = @attempts`;

const ANY_HOLD_DUE_SQL = `SELECT 1 FROM "NotificationHold" WHERE "releaseAt" <= @now LIMIT 1`;

// claiming a hold moves its releaseAt past the lease: another sender takes it only if this one dies. Holds
// are claimed a whole person at a time (every due hold of each person taken), people in the order their
// first hold came due, until about @batch holds: one person's digest is never cut across two claims (that
// sent it as several "Switchboard digest" messages), and one person is taken however many they have.
const CLAIM_HOLDS_SQL = `UPDATE "NotificationHold" SET "releaseAt" = @leaseUntil, "attempts" = "attempts" + 1
  WHERE "releaseAt" <= @now AND "userId" IN (
    SELECT "userId" FROM (
      SELECT "userId", SUM("due") OVER (ORDER BY "first", "userId" ROWS UNBOUNDED PRECEDING) - "due" AS "before"
      FROM (SELECT "userId", MIN("releaseAt") AS "first", COUNT(*) AS "due" FROM "NotificationHold" WHERE "releaseAt" <= @now GROUP BY "userId")
    ) WHERE "before" < @batch
  )
  RETURNING "id", "userId", "outboxId", "kind", "attempts"`;

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

  /** Claims what is due (outbox rows, then held messages) and sends it; the number of outbox rows claimed. */
  async tick(): Promise<number> {
    const claimed = await this.sendDueRows();
    await this.releaseHolds();
    return claimed;
  }

  private async sendDueRows(): Promise<number> {
    const now = this.options.now();
    if (!prepared(await sqlite(), ANY_DUE_SQL).get({ now: sqlDate(new Date(now)) })) return 0;
    const rows = (await writeTransaction((db) =>
      prepared(db, CLAIM_SQL).all({ owner: this.id, now: sqlDate(new Date(now)), leaseUntil: sqlDate(new Date(now + this.options.leaseMs)), batch: this.options.batch }),
    )) as OutboxRow[];
    if (rows.length === 0) return 0;
    const channels = await this.options.channels();
    const persons = await people();
    for (const group of groupDrafts(rows).values()) {
      // a slow channel must not let the claim of the rows still to send run out; a row whose claim ran out
      // and was taken by another sender is that sender's to send (sending it here too would send it twice)
      const kept = await this.keep(group);
      if (kept.length > 0) await this.deliverGroup(kept, channels, persons);
    }
    return rows.length;
  }

  /** Renews the claim on `rows`; those this sender still holds (the others are another sender's now). */
  private async keep(rows: OutboxRow[]): Promise<OutboxRow[]> {
    const leaseUntil = sqlDate(new Date(this.options.now() + this.options.leaseMs));
    return writeTransaction((db) => rows.filter((r) => prepared(db, KEEP_SQL).run({ id: r.id, owner: this.id, leaseUntil }).changes === 1));
  }

  /** The same for claimed holds. */
  private async keepHolds(holds: HoldRow[]): Promise<HoldRow[]> {
    const leaseUntil = sqlDate(new Date(this.options.now() + this.options.leaseMs));
    return writeTransaction((db) => holds.filter((h) => prepared(db, KEEP_HOLD_SQL).run({ id: h.id, attempts: h.attempts, leaseUntil }).changes === 1));
  }

  private async deliverGroup(group: OutboxRow[], channels: Channel[], persons: Person[]): Promise<void> {
    const { event, client } = group[0];
    const audience = await audienceOf(group[0]);
    // a channel is not told about its own failures
    const taking = audience.team ? channels.filter((c) => channelTakes(c, event, client) && !aboutItself(c, group[0])) : [];
    // people: now, or held for their quiet hours or digest (one hold per person and row, however often the row is retried)
    const now = this.options.now();
    const holds: { userId: string; kind: string; until: number }[] = [];
    for (const person of persons) {
      if (audience.person !== null && person.id !== audience.person) continue;
      const own = personalChannels(person, event, client).filter((c) => !aboutItself(c, group[0]));
      if (own.length === 0) continue;
      const hold = holdUntil(person.prefs, now);
      if (hold) holds.push({ userId: person.id, kind: hold.kind, until: hold.until });
      else taking.push(...own);
    }
    if (holds.length > 0) {
      await writeTransaction((db) => {
        for (const h of holds) {
          for (const row of group) {
            prepared(db, HOLD_SQL).run({ id: randomUUID(), userId: h.userId, outboxId: row.id, kind: h.kind, releaseAt: sqlDate(new Date(h.until)), now: sqlDate(new Date(now)) });
          }
        }
      });
    }
    const failures = new Map<string, Failure>();
    for (const channel of taking) {
      // each send renews the claim first, and sends only the rows still this sender's
      const kept = await this.keep(group);
      if (kept.length === 0) break;
      const error = await this.sendOnce(channel, kept, (due) => messageFor(due));
      if (error === null) continue;
      for (const r of error.rows) {
        failures.set(r.id, [...(failures.get(r.id) ?? []), { name: channel.name, error: error.message }]);
      }
    }
    for (const row of group) await this.finish(row, failures.get(row.id) ?? null);
  }

  /**
   * Sends the rows of `rows` this channel has not taken yet as one message, and logs the attempt per row;
   * the error and the rows it failed, or null (sent, or nothing left to send).
   */
  private async sendOnce(channel: Channel, rows: OutboxRow[], make: (due: OutboxRow[]) => Promise<NotificationMessage>): Promise<{ message: string; rows: OutboxRow[] } | null> {
    const sent = await prisma.notificationDelivery.findMany({ where: { outboxId: { in: rows.map((r) => r.id) }, channel: channel.name, status: "sent" }, select: { outboxId: true } });
    const due = rows.filter((r) => !sent.some((s) => s.outboxId === r.id));
    if (due.length === 0) return null;
    let error: string | null = null;
    try {
      await sendToChannel(channel, await make(due));
    } catch (e) {
      error = publicMessage(e);
      if (error !== (e as Error).message) console.error(`[notify] ${channel.name}:`, e);
    }
    await prisma.notificationDelivery.createMany({
      data: due.map((r) => ({
        outboxId: r.id,
        channel: channel.name,
        type: channel.type,
        recipient: maskAddress(channel),
        event: r.event,
        status: error ? "failed" : "sent",
        error,
        attempt: r.attempts,
        createdAt: new Date(this.options.now()),
      })),
    });
    return error === null ? null : { message: error, rows: due };
  }

  /**
   * Sends what was held and is now due: a person's quiet-hours messages each on its own, a person's digest
   * as one message listing them. A hold that failed is tried again after the backoff, and given up (kept
   * in the log) after the last attempt.
   */
  private async releaseHolds(): Promise<void> {
    const now = this.options.now();
    if (!prepared(await sqlite(), ANY_HOLD_DUE_SQL).get({ now: sqlDate(new Date(now)) })) return;
    const claimed = (await writeTransaction((db) => prepared(db, CLAIM_HOLDS_SQL).all({ now: sqlDate(new Date(now)), leaseUntil: sqlDate(new Date(now + this.options.leaseMs)), batch: this.options.batch }))) as HoldRow[];
    if (claimed.length === 0) return;
    const persons = await people();
    const rows = (await prisma.notificationOutbox.findMany({
      where: { id: { in: claimed.map((h) => h.outboxId) } },
      select: { id: true, event: true, dedupeKey: true, client: true, payloadJson: true, createdAt: true, attempts: true },
    })) as unknown as (Omit<OutboxRow, "createdAt"> & { createdAt: Date })[];
    const rowOf = (id: string): OutboxRow | undefined => {
      const r = rows.find((x) => x.id === id);
      return r ? { ...r, createdAt: r.createdAt.toISOString() } : undefined;
    };
    const byPerson = new Map<string, HoldRow[]>();
    for (const h of claimed) byPerson.set(`${h.userId}:${h.kind}`, [...(byPerson.get(`${h.userId}:${h.kind}`) ?? []), h]);
    for (const holds of byPerson.values()) {
      const person = persons.find((p) => p.id === holds[0].userId);
      const failed = new Set<string>();
      // each send renews the claim on its holds first, and sends only those still this sender's
      const send = async (channel: Channel, of: HoldRow[], make: (due: OutboxRow[]) => Promise<NotificationMessage>) => {
        const kept = await this.keepHolds(of);
        if (kept.length === 0) return;
        const rows = kept.flatMap((h) => rowOf(h.outboxId) ?? []).filter((r) => !aboutItself(channel, r));
        if (rows.length === 0) return;
        const error = await this.sendOnce(channel, rows, make);
        if (error) for (const r of error.rows) failed.add(r.id);
      };
      if (person) {
        const held = holds.flatMap((h) => rowOf(h.outboxId) ?? []);
        if (holds[0].kind === "digest") {
          for (const channel of person.channels.filter((c) => held.some((r) => channelTakes(c, r.event, r.client) && !aboutItself(c, r)))) await send(channel, holds, (due) => digestMessage(due));
        } else {
          for (const rows of groupDrafts(held).values()) {
            const of = holds.filter((h) => rows.some((r) => r.id === h.outboxId));
            for (const channel of personalChannels(person, rows[0].event, rows[0].client)) await send(channel, of, (due) => messageFor(due));
          }
        }
      }
      // only the holds this sender still holds (a release another sender claimed is that one's to finish)
      for (const h of holds) {
        if (failed.has(h.outboxId) && h.attempts < this.options.maxAttempts) {
          const next = new Date(now + backoffDelay(h.attempts, this.options.backoffMs, this.options.maxBackoffMs));
          await prisma.notificationHold.updateMany({ where: { id: h.id, attempts: h.attempts }, data: { releaseAt: next } });
        } else {
          await prisma.notificationHold.deleteMany({ where: { id: h.id, attempts: h.attempts } });
        }
      }
    }
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
      const { changes } = prepared(db, FINISH_SQL).run({ id: row.id, owner: this.id, state, next: sqlDate(next), error: failure ? failure.map((f) => `${f.name}: ${f.error}`).join("; ") : null });
      if (changes !== 1 || !givenUp || row.event === "channel.failing") return;
      const title = (JSON.parse(row.payloadJson) as OutboxPayload).title;
      const day = new Date(now).toISOString().slice(0, 10);
      // each says only its own channel's error: another channel's may be no business of who gets this one
      for (const { name, error } of failure) {
        insertOutboxRow(db, {
          event: "channel.failing",
          dedupeKey: `channel.failing:${name}:${day}`,
          title: `The notification channel ${name} keeps failing`,
          text: `${row.attempts} attempts to send "${title}" failed. ${name}: ${error}`,
          path: "/settings#notifications",
          at: new Date(now),
        });
      }
    });
  }
}

/** Rows in groups of one, but drafts that wait for the same client together. */
function groupDrafts(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const key = row.event === "draft.waiting" && row.client ? `draft.waiting:${row.client}` : row.id;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
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

/** One person's daily digest: every message held for it, listed in one. */
export async function digestMessage(rows: OutboxRow[]): Promise<NotificationMessage> {
  const sorted = [...rows].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const lines = sorted.map((r) => `- ${(JSON.parse(r.payloadJson) as OutboxPayload).title}`);
  const shown = lines.slice(0, 50);
  if (lines.length > 50) shown.push(`- and ${lines.length - 50} more`);
  return {
    // the smallest id: the same when the digest is tried again
    id: `digest-${[...rows.map((r) => r.id)].sort()[0]}`,
    event: "digest",
    title: `Switchboard digest: ${rows.length} notification${rows.length === 1 ? "" : "s"}`,
    text: shown.join("\n"),
    url: absoluteUrl("/"),
    client: null,
    at: new Date(sorted[sorted.length - 1].createdAt).toISOString(),
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
