// The sender delivers outbox rows to real receivers on 127.0.0.1: a signed webhook the receiver verifies,
// Slack's and Discord's incoming-webhook bodies, ntfy's headers, and a mail received by a real SMTP
// server (smtp-server); each link is absolute and opens the item through sign-in. A failing receiver is
// retried with backoff on a clock the test moves, each attempt in the delivery log.
import { createHmac, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/next-path";
import { prisma, writeTransaction } from "@/lib/db/client";
import { insertOutboxRow } from "@/lib/db/outbox";
import { queueRun } from "@/lib/engine/queue-run";
import { Worker } from "@/lib/engine/worker";
import { resetEnvForTests, workspaceDir } from "@/lib/env";
import type { Channel } from "@/lib/notify/config";
import { NotificationSender, sendTestNotification } from "@/lib/notify/sender";
import { ACTOR, ensureClient, ScriptedRunner, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { decodeQuotedPrintable, startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from "@/lib/testing/notify-receivers";
import { proxy } from "@/proxy";

const SITE = "https://switchboard.example";
const SECRET = "whsec-test-secret";
const runner = new ScriptedRunner();
let worker: Worker;
let hooks: HttpReceiver;
let smtp: SmtpReceiver;

beforeAll(async () => {
  hooks = await startHttpReceiver();
  smtp = await startSmtpReceiver();
  process.env.SWITCHBOARD_URL = SITE;
  process.env.SMTP_URL = smtp.url;
  process.env.SMTP_FROM = "Switchboard <switchboard@agency.example>";
  process.env.NOTIFY_TEST_HOOK = hooks.url("/hook");
  process.env.NOTIFY_TEST_SECRET = SECRET;
  resetEnvForTests();
  fs.writeFileSync(
    path.join(workspaceDir(), "notifications.yaml"),
    `- name: ops-webhook
  type: webhook
  url: \${NOTIFY_TEST_HOOK}
  secret: \${NOTIFY_TEST_SECRET}
  events: [draft.waiting]
  clients: [acme]
- { name: team-slack, type: slack, url: "${hooks.url("/slack")}", events: [draft.waiting] }
- { name: team-discord, type: discord, url: "${hooks.url("/discord")}", events: [draft.waiting] }
- { name: phone, type: ntfy, url: "${hooks.url("/ntfy/switchboard")}", events: [draft.waiting] }
- { name: owner-mail, type: email, to: owner@agency.example, events: [draft.waiting] }
- { name: other-client, type: webhook, url: "${hooks.url("/globex")}", secret: x, events: [draft.waiting], clients: [globex] }
`,
  );
  await ensureClient("acme");
  writePipeline("review", `name: Review\ninputs:\n  page: { type: string, required: true }\nsteps:\n  - id: review\n    approval: { title: "Report {{ inputs.page }}", body: "body" }\n`);
  worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
});

afterAll(async () => {
  await worker.stop({ graceMs: 1_000 });
  await hooks.close();
  await smtp.close();
});

async function openDrafts(pages: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const page of pages) {
    const runId = await queueRun({ pipelineSlug: "review", clientSlug: "acme", inputs: { page }, createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting"]);
    ids.push((await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } })).id);
  }
  return ids;
}

const at = (prefix: string) => hooks.requests.filter((r) => r.path.startsWith(prefix));

function verifySignature(body: string, header: string | string[] | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`);
  const given = Buffer.from(String(header));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Where a link leads a browser with no session: sign-in, then (after it) the link's own path. */
function afterSignIn(link: string): string {
  const url = new URL(link);
  expect(url.origin).toBe(SITE);
  const response = proxy(new NextRequest(link, { headers: { host: url.host } }));
  const location = new URL(response.headers.get("location") ?? "");
  expect(location.pathname).toBe("/login");
  return safeNextPath(location.searchParams.get("next"));
}

describe("the notification sender", () => {
  it("delivers a draft opening to every channel that takes it: a signed webhook, Slack, Discord, ntfy and a mail, each linking to the draft", async () => {
    const [draftId] = await openDrafts(["/pricing"]);
    const outbox = await prisma.notificationOutbox.findFirstOrThrow({ where: { dedupeKey: `draft.waiting:${draftId}` } });
    const sender = new NotificationSender();
    expect(await sender.tick()).toBe(1);
    const link = `${SITE}/drafts/${draftId}`;

    const [hook] = at("/hook");
    expect(verifySignature(hook.body, hook.headers["x-switchboard-signature"])).toBe(true);
    expect(verifySignature(`${hook.body} `, hook.headers["x-switchboard-signature"])).toBe(false);
    const body = JSON.parse(hook.body);
    expect(Object.keys(body).sort()).toEqual(["at", "client", "event", "id", "text", "title", "url"]);
    expect(body).toMatchObject({ id: outbox.id, event: "draft.waiting", title: "A draft waits: Report /pricing", url: link, client: "acme" });
    expect(new Date(body.at).toISOString()).toBe(body.at);
    expect(afterSignIn(body.url)).toBe(`/drafts/${draftId}`);

    // Slack: { text, blocks } with a section of mrkdwn (https://api.slack.com/messaging/webhooks)
    const slack = JSON.parse(at("/slack")[0].body);
    expect(Object.keys(slack).sort()).toEqual(["blocks", "text"]);
    expect(slack.text).toContain(link);
    expect(slack.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: `*<${link}|A draft waits: Report /pricing>*\nreview (step review) waits for approval of "Report /pricing".` } });
    expect(slack.blocks[1]).toMatchObject({ type: "context", elements: [{ type: "mrkdwn" }] });

    // Discord: { content, embeds[] } (https://discord.com/developers/docs/resources/webhook#execute-webhook)
    const discord = JSON.parse(at("/discord")[0].body);
    expect(discord).toEqual({
      content: "A draft waits: Report /pricing",
      embeds: [{ title: "A draft waits: Report /pricing", description: 'review \\(step review\\) waits for approval of "Report /pricing".', url: link, timestamp: body.at, footer: { text: "draft.waiting · acme" } }],
      allowed_mentions: { parse: [] },
    });

    // ntfy: the text as the body, Title, Click and Tags as headers (https://docs.ntfy.sh/publish/)
    const ntfy = at("/ntfy/switchboard")[0];
    expect(ntfy.headers.title).toBe("A draft waits: Report /pricing");
    expect(ntfy.headers.click).toBe(link);
    expect(ntfy.headers.tags).toBe("inbox_tray,draft.waiting");
    expect(ntfy.body).toBe('review (step review) waits for approval of "Report /pricing".');

    // a mail, through SMTP_URL's login, from SMTP_FROM, with the link
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: "switchboard@agency.example", to: ["owner@agency.example"] });
    expect(smtp.mails[0].raw).toMatch(/^Subject: A draft waits: Report \/pricing/m);
    expect(decodeQuotedPrintable(smtp.mails[0].raw)).toContain(`Open it: ${link}`);

    // the channel for another client got nothing; the log has one sent row per channel; the row is sent
    expect(at("/globex")).toEqual([]);
    const log = await prisma.notificationDelivery.findMany({ where: { outboxId: outbox.id }, orderBy: { channel: "asc" } });
    expect(log.map((d) => [d.channel, d.status, d.attempt])).toEqual([
      ["ops-webhook", "sent", 1],
      ["owner-mail", "sent", 1],
      ["phone", "sent", 1],
      ["team-discord", "sent", 1],
      ["team-slack", "sent", 1],
    ]);
    expect(log.find((d) => d.channel === "ops-webhook")?.recipient).toBe(`${new URL(hooks.url()).protocol}//${new URL(hooks.url()).host}/…`);
    expect((await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: outbox.id } })).state).toBe("sent");
    expect(await sender.tick()).toBe(0);
  });

  it("groups drafts of one client claimed together: 3 drafts wait for ACME", async () => {
    const before = at("/hook").length;
    const ids = await openDrafts(["/a", "/b", "/c"]);
    expect(await new NotificationSender().tick()).toBe(3);
    const hooksNow = at("/hook").slice(before);
    expect(hooksNow).toHaveLength(1);
    const body = JSON.parse(hooksNow[0].body);
    expect(body.title).toBe("3 drafts wait for ACME");
    expect(body.text).toBe("- Report /a\n- Report /b\n- Report /c");
    expect(afterSignIn(body.url)).toBe("/drafts?client=acme");
    const rows = await prisma.notificationOutbox.findMany({ where: { dedupeKey: { in: ids.map((id) => `draft.waiting:${id}`) } }, select: { id: true, state: true } });
    expect(body.id).toBe(rows.map((r) => r.id).sort()[0]);
    expect(rows.every((r) => r.state === "sent")).toBe(true);
  });

  it("retries a failing channel with exponential backoff, each attempt in the log, then succeeds with the same id", async () => {
    const flaky = await startHttpReceiver();
    try {
      flaky.failNext(500, 503);
      const channel: Channel = { name: "flaky", type: "webhook", url: flaky.url("/in"), secret: SECRET, events: ["run.failed"], clients: null };
      let now = Date.parse("2026-12-01T10:00:00Z");
      const sender = new NotificationSender({ now: () => now, backoffMs: 60_000, channels: async () => [channel] });
      const dedupeKey = `run.failed:flaky:${now}`;
      await writeTransaction((db) => insertOutboxRow(db, { event: "run.failed", dedupeKey, title: "Run failed", text: "x", path: "/runs/r1", at: new Date(now) }));
      const row = () => prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey } });

      expect(await sender.tick()).toBe(1); // attempt 1: HTTP 500
      expect((await row()).nextAttemptAt.getTime()).toBe(now + 60_000);
      now += 59_999;
      expect(await sender.tick()).toBe(0); // not due yet
      now += 1;
      expect(await sender.tick()).toBe(1); // attempt 2: HTTP 503, then twice the wait
      expect((await row()).nextAttemptAt.getTime()).toBe(now + 120_000);
      now += 119_999;
      expect(await sender.tick()).toBe(0);
      now += 1;
      expect(await sender.tick()).toBe(1); // attempt 3: delivered

      expect(flaky.requests).toHaveLength(3);
      expect(new Set(flaky.requests.map((r) => JSON.parse(r.body).id))).toEqual(new Set([(await row()).id]));
      const log = await prisma.notificationDelivery.findMany({ where: { outboxId: (await row()).id }, orderBy: { attempt: "asc" } });
      expect(log.map((d) => [d.attempt, d.status, d.error])).toEqual([
        [1, "failed", "the channel answered HTTP 500"],
        [2, "failed", "the channel answered HTTP 503"],
        [3, "sent", null],
      ]);
      expect(await row()).toMatchObject({ state: "sent", attempts: 3, lastError: null });
    } finally {
      await flaky.close();
    }
  });

  it("gives a row up after its last attempt, keeping the error, and tells the other channels that one keeps failing; an error names no address", async () => {
    const gone = await startHttpReceiver();
    const url = gone.url("/secret-path-token");
    await gone.close();
    const watcher = await startHttpReceiver();
    try {
      const channels: Channel[] = [
        { name: "gone", type: "slack", url, events: ["run.failed", "channel.failing"], clients: null },
        { name: "watcher", type: "webhook", url: watcher.url("/w"), secret: SECRET, events: ["channel.failing"], clients: null },
      ];
      let now = Date.parse("2026-12-02T10:00:00Z");
      const sender = new NotificationSender({ now: () => now, backoffMs: 1_000, maxAttempts: 2, channels: async () => channels });
      const dedupeKey = `run.failed:gone:${now}`;
      await writeTransaction((db) => insertOutboxRow(db, { event: "run.failed", dedupeKey, title: "Run failed", text: "x", path: "/runs/r2", at: new Date(now) }));
      expect(await sender.tick()).toBe(1);
      now += 1_000;
      expect(await sender.tick()).toBe(1); // the last attempt: given up, and channel.failing written with it
      const row = await prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey } });
      expect(row).toMatchObject({ state: "failed", attempts: 2, lastError: "gone: could not reach the channel: ECONNREFUSED" });
      const errors = (await prisma.notificationDelivery.findMany({ where: { outboxId: row.id } })).map((d) => d.error ?? "");
      expect(errors.every((e) => !e.includes("secret-path-token"))).toBe(true);

      expect(await sender.tick()).toBe(1); // channel.failing goes to the watcher, not to the failing channel
      expect(watcher.requests).toHaveLength(1);
      expect(JSON.parse(watcher.requests[0].body)).toMatchObject({ event: "channel.failing", title: "The notification channel gone keeps failing", url: `${SITE}/settings#notifications` });
      const failing = await prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey: "channel.failing:gone:2026-12-02" } });
      expect(failing.state).toBe("sent");
      expect(await prisma.notificationDelivery.findMany({ where: { outboxId: failing.id }, select: { channel: true } })).toEqual([{ channel: "watcher" }]);
      now += 10_000_000;
      expect(await sender.tick()).toBe(0);
    } finally {
      await watcher.close();
    }
  });

  it("does not send rows whose claim ran out on a slow channel and another sender took: that sender sends them, once", async () => {
    let now = Date.parse("2026-12-03T10:00:00Z");
    const channels: Channel[] = [];
    const first = new NotificationSender({ id: "sender-first", now: () => now, channels: async () => channels });
    // the second sender claims, then waits (in its channel lookup) until the first has finished its batch
    let letSecondSend = () => {};
    const secondMaySend = new Promise<void>((resolve) => (letSecondSend = resolve));
    let secondClaimed = () => {};
    const claimedBySecond = new Promise<void>((resolve) => (secondClaimed = resolve));
    const second = new NotificationSender({
      id: "sender-second",
      now: () => now,
      channels: async () => {
        secondClaimed();
        await secondMaySend;
        return channels;
      },
    });
    let secondTick: Promise<number> | null = null;
    const bodies: { id: string }[] = [];
    // a slow channel: its first answer comes only after the first sender's claim (two minutes) has run
    // out and the second sender has claimed what was due by then
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        if (bodies.length === 1) {
          now += 121_000;
          secondTick = second.tick();
          await claimedBySecond;
        }
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      channels.push({ name: "slow", type: "webhook", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, secret: SECRET, events: ["run.failed"], clients: null });
      const keys = [`run.failed:lease-one:${now}`, `run.failed:lease-two:${now}`];
      for (const [i, dedupeKey] of keys.entries()) {
        await writeTransaction((db) => insertOutboxRow(db, { event: "run.failed", dedupeKey, title: `Run failed ${i}`, text: "x", path: "/runs/r3", at: new Date(now - 1_000 + i) }));
      }
      const [one, two] = await Promise.all(keys.map((dedupeKey) => prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey } })));
      expect(await first.tick()).toBe(2);
      // the first sender sent the first row (that send outlived its claim), and not the second: it is the second sender's
      expect(bodies.map((b) => b.id)).toEqual([one.id]);
      expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: two.id } })).toMatchObject({ state: "sending", leaseOwner: "sender-second" });
      letSecondSend();
      expect(await secondTick).toBe(2);
      expect(bodies.filter((b) => b.id === two.id)).toHaveLength(1);
      expect(await prisma.notificationOutbox.findMany({ where: { id: { in: [one.id, two.id] } }, select: { state: true } })).toEqual([{ state: "sent" }, { state: "sent" }]);
    } finally {
      letSecondSend();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("sends a test to one channel and logs it", async () => {
    const before = at("/slack").length;
    const channel: Channel = { name: "team-slack", type: "slack", url: hooks.url("/slack"), events: ["draft.waiting"], clients: null };
    expect(await sendTestNotification(channel, "Ada")).toEqual({ ok: true });
    expect(JSON.parse(at("/slack")[before].body).text).toContain(`${SITE}/settings#notifications`);
    expect(await prisma.notificationDelivery.findFirst({ where: { event: "test", channel: "team-slack" }, select: { status: true } })).toEqual({ status: "sent" });
  });
});
