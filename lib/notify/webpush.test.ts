// Web Push through the real web-push library to a push-service stand-in on 127.0.0.1 (lib/testing/push-service.ts),
// which checks the VAPID JWT as a push service does and decrypts the aes128gcm body (RFC 8291) with the
// subscription's private key, as the browser does. A subscription the push service calls gone (410) is
// deleted; any other refusal is retried like every channel's.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma, writeTransaction } from "@/lib/db/client";
import { insertOutboxRow } from "@/lib/db/outbox";
import { resetEnvForTests } from "@/lib/env";
import { pushPayload } from "@/lib/notify/channels";
import { NotificationSender } from "@/lib/notify/sender";
import { listStoredChannels, saveOwnPushChannel } from "@/lib/notify/stored-channels";
import { vapidKeys, vapidKeysFile } from "@/lib/notify/vapid";
import { proxy } from "@/proxy";
import { decryptAes128gcm, encryptAes128gcmForTest, startPushService, verifyVapid, type PushService } from "@/lib/testing/push-service";

const SITE = "https://switchboard.example";
let push: PushService;
let clock = Date.now();

beforeAll(async () => {
  push = await startPushService();
  // web-push uses node:https's global agent: trust the stand-in's certificate in this test only
  https.globalAgent.options.ca = push.ca;
  process.env.SWITCHBOARD_URL = SITE;
  // people's channels here post to receivers on 127.0.0.1 (address-filter.test.ts runs with the filter on)
  process.env.SWITCHBOARD_NOTIFY_ALLOW_PRIVATE = "1";
  resetEnvForTests();
});

afterAll(async () => {
  await push.close();
});

/** A person with one browser subscribed (as Settings' "Enable push on this browser" stores it). */
async function subscribedPerson() {
  const browser = push.subscribe();
  const owner = { id: `user-${randomUUID()}`, role: "operator" };
  const { id } = await saveOwnPushChannel(owner, { endpoint: browser.endpoint, keys: browser.keys });
  return { browser, owner, channelId: id };
}

/** A sender that sees only `channelId`'s channel, on a clock the test moves. */
function senderFor(channelId: string) {
  return new NotificationSender({ now: () => clock, backoffMs: 1_000, channels: async () => (await listStoredChannels()).filter((c) => c.id === channelId) });
}

async function draftWaits(title: string): Promise<string> {
  const dedupeKey = `draft.waiting:${randomUUID()}`;
  await writeTransaction((db) => insertOutboxRow(db, { event: "draft.waiting", dedupeKey, title, text: `${title}, body`, path: `/drafts/${dedupeKey.slice(14)}`, at: new Date(clock) }));
  return (await prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey }, select: { id: true } })).id;
}

describe("Web Push", () => {
  it("decrypts what RFC 8291's steps encrypt, and refuses a VAPID header signed by another key", () => {
    const browser = push.subscribe();
    expect(decryptAes128gcm(encryptAes128gcmForTest('{"title":"t"}', browser), browser)).toBe('{"title":"t"}');
    const other = push.subscribe();
    expect(() => decryptAes128gcm(encryptAes128gcmForTest("x", browser), other)).toThrow();
    expect(() => verifyVapid("vapid t=a.b.c, k=AAAA", "https://127.0.0.1")).toThrow(/uncompressed/);
  });

  it("makes the VAPID keys once, in the data folder, readable by this user only", () => {
    const keys = vapidKeys();
    expect(vapidKeys()).toBe(keys);
    expect(JSON.parse(fs.readFileSync(vapidKeysFile(), "utf8"))).toEqual(keys);
    expect(fs.statSync(vapidKeysFile()).mode & 0o777).toBe(0o600);
    expect(Buffer.from(keys.publicKey, "base64url")).toHaveLength(65);
  });

  it("sends a draft opening to the person's browser: VAPID-signed for the push service's origin, aes128gcm-encrypted, the payload { title, text, url } opening the draft", async () => {
    const { browser, channelId } = await subscribedPerson();
    const outboxId = await draftWaits("A draft waits: Report /pricing");
    const before = push.deliveries.length;
    expect(await senderFor(channelId).tick()).toBe(1);

    expect(push.rejected).toEqual([]);
    const mine = push.deliveries.slice(before).filter((d) => browser.endpoint.endsWith(d.path));
    expect(mine).toHaveLength(1);
    const [delivery] = mine;
    expect(delivery.claims.aud).toBe(new URL(browser.endpoint).origin);
    expect(delivery.claims.sub).toBe(SITE);
    expect(delivery.vapidKey).toBe(vapidKeys().publicKey);
    expect(delivery.headers.ttl).toBe(String(24 * 60 * 60));
    const payload = JSON.parse(delivery.plaintext);
    const outbox = await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: outboxId } });
    const itemPath = (JSON.parse(outbox.payloadJson) as { path: string }).path;
    expect(payload).toEqual({ title: "A draft waits: Report /pricing", text: "A draft waits: Report /pricing, body", url: `${SITE}${itemPath}`, tag: outboxId });
    expect(outbox.state).toBe("sent");
    const log = await prisma.notificationDelivery.findMany({ where: { outboxId } });
    expect(log.map((d) => [d.type, d.status, d.recipient])).toEqual([["webpush", "sent", `${new URL(browser.endpoint).origin}/…`]]);
  });

  it("deletes a subscription the push service calls gone (410), and sends it nothing more", async () => {
    const { browser, channelId } = await subscribedPerson();
    push.failNext(410);
    const outboxId = await draftWaits("A draft waits: gone");
    expect(await senderFor(channelId).tick()).toBe(1);
    expect(await prisma.notificationChannel.findUnique({ where: { id: channelId } })).toBeNull();
    const [failed] = await prisma.notificationDelivery.findMany({ where: { outboxId } });
    expect(failed).toMatchObject({ status: "failed", error: "the push service says the subscription is gone (HTTP 410); it was removed" });

    // the retry finds no channel for it: nothing reaches the push service again
    const before = push.deliveries.length;
    clock += 60_000;
    await senderFor(channelId).tick();
    expect(push.deliveries.slice(before).filter((d) => browser.endpoint.endsWith(d.path))).toEqual([]);
    expect((await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: outboxId } })).state).toBe("sent");
  });

  it("keeps the subscription and retries after another refusal (HTTP 503)", async () => {
    const { browser, channelId } = await subscribedPerson();
    push.failNext(503);
    const outboxId = await draftWaits("A draft waits: busy");
    expect(await senderFor(channelId).tick()).toBe(1);
    expect(await prisma.notificationChannel.findUnique({ where: { id: channelId } })).not.toBeNull();
    expect((await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: outboxId } })).state).toBe("pending");
    clock += 60_000;
    expect(await senderFor(channelId).tick()).toBe(1);
    expect(push.deliveries.filter((d) => browser.endpoint.endsWith(d.path)).map((d) => JSON.parse(d.plaintext).title)).toEqual(["A draft waits: busy"]);
    const log = await prisma.notificationDelivery.findMany({ where: { outboxId }, orderBy: { attempt: "asc" } });
    expect(log.map((d) => [d.attempt, d.status, d.error])).toEqual([
      [1, "failed", "the push service answered HTTP 503"],
      [2, "sent", null],
    ]);
  });

  it("keeps the subscription sealed at rest, and one row per browser when it subscribes again", async () => {
    const { browser, owner, channelId } = await subscribedPerson();
    const row = await prisma.notificationChannel.findUniqueOrThrow({ where: { id: channelId } });
    expect(row.type).toBe("webpush");
    expect(row.configSealed).not.toContain(browser.keys.auth);
    expect(row.configSealed).not.toContain(new URL(browser.endpoint).pathname);
    const again = await saveOwnPushChannel(owner, { endpoint: browser.endpoint, keys: browser.keys });
    expect(again.id).toBe(channelId);
    expect(JSON.parse(pushPayload({ id: "n1", event: "x", title: "T", text: "x".repeat(5000), url: `${SITE}/`, client: null, at: "" })).text).toHaveLength(1000);
  });
});

describe("a shared browser", () => {
  it("gets the pushes of whoever enabled push on it last: the person before loses that channel", async () => {
    const { browser, channelId: first } = await subscribedPerson();
    const next = { id: `user-${randomUUID()}`, role: "operator" };
    const { id: second } = await saveOwnPushChannel(next, { endpoint: browser.endpoint, keys: browser.keys });
    expect(await prisma.notificationChannel.findUnique({ where: { id: first } })).toBeNull();
    expect((await prisma.notificationChannel.findUniqueOrThrow({ where: { id: second } })).ownerId).toBe(next.id);
  });
});

describe("the service worker", () => {
  it("is served without a session (a browser fetches it again to update it) and the CSP lets this origin register it", () => {
    const response = proxy(new NextRequest(`${SITE}/sw.js`, { headers: { host: new URL(SITE).host } }));
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-security-policy")).toMatch(/(^|; )worker-src 'self'(;|$)/);
    const page = proxy(new NextRequest(`${SITE}/drafts/d1`, { headers: { host: new URL(SITE).host } }));
    expect(new URL(page.headers.get("location") ?? "").pathname).toBe("/login");
    const worker = fs.readFileSync(path.join(process.cwd(), "public", "sw.js"), "utf8");
    expect(worker).toContain("clients.openWindow(");
    expect(worker).toContain('addEventListener("push"');
  });
});
