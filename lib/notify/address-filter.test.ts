// The outbound address filter of people's own channels, with the filter ON (SWITCHBOARD_NOTIFY_ALLOW_PRIVATE
// unset): loopback, private, link-local (cloud metadata) and this machine's own addresses are refused when a
// channel is saved and again at the send, after DNS, with the address named; a name that resolves to a
// public address when saved and to 127.0.0.1 at the send (DNS rebinding) is refused at the connection;
// a team channel still reaches a receiver on 127.0.0.1. Real receivers on 127.0.0.1, a real push-service
// stand-in, real DNS for `localhost`, and a scripted resolver only where a public name is needed.
// A push endpoint that web-push's parser (Node's legacy url.parse) reads as another host than the filter
// does is refused at save and at the send, before any connection; and the guarded agent's sockets are
// checked again once connected (the backstop for a connection no lookup checked).
// first: the request scope's storage must exist before next/headers is loaded
import { callActionAs } from "@/lib/testing/server-actions";

import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addPersonalChannelAction, sendPersonalTestAction } from "@/app/(app)/settings/my-notification-actions";
import { disablePushAction, enablePushAction } from "@/app/(app)/settings/notification-actions";
import { prisma, writeTransaction } from "@/lib/db/client";
import { seal } from "@/lib/auth/seal";
import { insertOutboxRow, NOTIFICATION_EVENTS } from "@/lib/db/outbox";
import { resetEnvForTests } from "@/lib/env";
import { checkPersonalTarget, guardedAgent, guardSocket, ipBytes, ipKey, pushEndpoint, RefusedAddressError, refusedReason, type Resolve } from "@/lib/notify/address-filter";
import { sendToChannel } from "@/lib/notify/channels";
import type { Channel } from "@/lib/notify/config";
import { NotificationSender } from "@/lib/notify/sender";
import { createStoredChannel, listStoredChannels, saveOwnPushChannel } from "@/lib/notify/stored-channels";
import { startHttpReceiver, type HttpReceiver } from "@/lib/testing/notify-receivers";
import { startPushService, type PushService } from "@/lib/testing/push-service";

let hooks: HttpReceiver;
let push: PushService;

function filter(on: boolean): void {
  if (on) delete process.env.SWITCHBOARD_NOTIFY_ALLOW_PRIVATE;
  else process.env.SWITCHBOARD_NOTIFY_ALLOW_PRIVATE = "1";
  resetEnvForTests();
}

beforeAll(async () => {
  hooks = await startHttpReceiver();
  push = await startPushService();
  https.globalAgent.options.ca = push.ca;
  process.env.SWITCHBOARD_URL = "https://switchboard.example";
  filter(true);
});

beforeEach(() => filter(true));

afterAll(async () => {
  filter(false);
  await hooks.close();
  await push.close();
});

const uid = () => randomUUID().slice(0, 8);

async function makeUser(role: "admin" | "operator" = "operator") {
  return prisma.user.create({ data: { email: `f-${uid()}@agency.example`, passwordHash: "not-used", role }, select: { id: true, email: true, role: true, sessionVersion: true } });
}

/** A resolver that answers each call with the next of `answers` (the last one again when they run out), counting calls. */
function scripted(...answers: string[][]): Resolve & { calls: number } {
  const resolve = Object.assign(
    async (_host: string) => {
      const list = answers[Math.min(resolve.calls, answers.length - 1)];
      resolve.calls++;
      return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
    { calls: 0 },
  );
  return resolve;
}

/** POSTs through a guarded agent; the remote address the socket reached, or the error. */
function postVia(agent: http.Agent, url: string): Promise<{ remote: string | undefined } | { error: Error }> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: "POST", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ remote: res.socket?.remoteAddress ?? req.socket?.remoteAddress }));
    });
    req.on("error", (error) => resolve({ error }));
    req.end("{}");
  });
}

/** A bare TCP listener on 127.0.0.1: each connection it took, as the bytes it got before it closed; `hangUp`: closes each at once. */
async function tcpListener(hangUp: boolean) {
  const connections: Promise<number>[] = [];
  const server = net.createServer((socket) => {
    connections.push(
      new Promise((resolve) => {
        let bytes = 0;
        socket.on("data", (d: Buffer) => (bytes += d.length));
        socket.on("error", () => {});
        socket.on("close", () => resolve(bytes));
        if (hangUp) socket.destroy();
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, connections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const message = { id: "n1", event: "run.failed", title: "t", text: "x", url: "https://switchboard.example/", client: null, at: new Date().toISOString() };

describe("which addresses a person's own channel may reach", () => {
  it("refuses loopback, private, link-local, unspecified, multicast and IPv6 forms that carry them, and allows public addresses", () => {
    const none = new Set<string>();
    const refused: Record<string, RegExp> = {
      "127.0.0.1": /loopback/,
      "127.255.0.9": /loopback/,
      "::1": /loopback/,
      "::ffff:127.0.0.1": /loopback/,
      "::ffff:7f00:1": /loopback/,
      "10.1.2.3": /private/,
      "172.16.0.1": /private/,
      "172.31.255.255": /private/,
      "192.168.1.10": /private/,
      "fc00::1": /private/,
      "fd12:3456::1": /private/,
      "169.254.169.254": /link-local/,
      "::ffff:169.254.169.254": /link-local/,
      "fe80::1": /link-local/,
      "fe80::1%eth0": /link-local/,
      "0.0.0.0": /unspecified/,
      "::": /unspecified/,
      "100.64.0.1": /shared/,
      "224.0.0.251": /multicast/,
      "255.255.255.255": /reserved/,
      "64:ff9b::a00:1": /private/,
      "2002:c0a8:0101::1": /private/,
    };
    for (const [address, reason] of Object.entries(refused)) expect(refusedReason(address, none), address).toMatch(reason);
    for (const address of ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(refusedReason(address, none), address).toBeNull();
    // this machine's own addresses, whatever they are: a public one too
    expect(refusedReason("203.0.113.7", new Set([ipKey(ipBytes("203.0.113.7") as number[])]))).toBe("this machine's own");
    expect(refusedReason("2001:db8::7", new Set([ipKey(ipBytes("2001:db8:0:0::7") as number[])]))).toBe("this machine's own");
    for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) expect(refusedReason(i.address), i.address).not.toBeNull();
  });

  it("refuses at save: an address on this machine, the cloud metadata address and a name that resolves to loopback, each named", async () => {
    const person = await makeUser();
    const cases: [string, string][] = [
      [hooks.url("/save-literal"), "127.0.0.1, a loopback address: a personal channel may not send there"],
      ["http://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local (cloud metadata) address"],
      ["http://[::ffff:127.0.0.1]:9/", "::ffff:7f00:1, a loopback address"],
      [`http://localhost:${new URL(hooks.url()).port}/`, "localhost resolves to "],
    ];
    for (const [url, message] of cases) {
      const result = await callActionAs(person, () => addPersonalChannelAction({ type: "webhook", name: `hook-${uid()}`, url, secret: "s" }));
      expect(result.ok, url).toBe(false);
      if (!result.ok) expect(result.error).toContain(message);
    }
    const pushResult = await callActionAs(person, () => enablePushAction({ endpoint: push.subscribe().endpoint, keys: push.subscribe().keys }));
    expect(pushResult).toMatchObject({ ok: false, error: expect.stringContaining("127.0.0.1, a loopback address") });
    expect(await prisma.notificationChannel.count({ where: { ownerId: person.id } })).toBe(0);
    // a name that resolves to a public address and a private one is refused for the private one
    await expect(checkPersonalTarget("https://hooks.example/x", scripted(["93.184.216.34", "10.0.0.5"]))).rejects.toThrow("hooks.example resolves to 10.0.0.5, a private (RFC 1918) address");
    await expect(checkPersonalTarget("https://hooks.example/x", scripted(["93.184.216.34", "2606:4700::1111"]))).resolves.toBeUndefined();
    await expect(checkPersonalTarget("https://nowhere.invalid/x")).rejects.toThrow(/^nowhere\.invalid could not be resolved/);
    // a team channel is the admins' and is not filtered
    await expect(createStoredChannel({ name: `team-${uid()}`, type: "slack", ownerId: null, events: ["run.failed"], clients: null, url: hooks.url("/team") })).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("refuses at the send a channel saved before its name turned private, and still delivers to a team channel on the same receiver", async () => {
    const person = await makeUser();
    // kept while the filter was off: as if the name resolved elsewhere when it was saved
    filter(false);
    const port = new URL(hooks.url()).port;
    const byName = await createStoredChannel({ name: `n-${uid()}`, type: "webhook", ownerId: person.id, events: ["run.failed"], clients: null, url: `http://localhost:${port}/own-by-name`, secret: "s" });
    const byLiteral = await createStoredChannel({ name: `l-${uid()}`, type: "slack", ownerId: person.id, events: ["run.failed"], clients: null, url: hooks.url("/own-literal") });
    const pushOwner = { id: person.id, role: "operator" };
    const browser = push.subscribe();
    const pushChannel = await saveOwnPushChannel(pushOwner, { endpoint: browser.endpoint, keys: browser.keys });
    filter(true);

    const team: Channel = { name: `team-${uid()}`, type: "slack", url: hooks.url("/team-hook"), events: ["run.failed"], clients: null };
    const dedupeKey = `run.failed:${uid()}`;
    await writeTransaction((db) => insertOutboxRow(db, { event: "run.failed", dedupeKey, title: "Run of x failed", text: "why", path: "/runs/r1", at: new Date() }));
    const before = push.deliveries.length;
    await new NotificationSender({ channels: async () => [team], backoffMs: 60_000 }).tick();

    expect(hooks.requests.filter((r) => r.path === "/team-hook")).toHaveLength(1);
    expect(hooks.requests.filter((r) => r.path === "/own-by-name" || r.path === "/own-literal")).toEqual([]);
    expect(push.deliveries.slice(before).filter((d) => browser.endpoint.endsWith(d.path))).toEqual([]);
    const outbox = await prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey } });
    const log = await prisma.notificationDelivery.findMany({ where: { outboxId: outbox.id } });
    const errorOf = (id: string) => log.find((d) => d.channel === `stored:${id}`)?.error;
    expect(log.find((d) => d.channel === team.name)?.status).toBe("sent");
    // real DNS: localhost is 127.0.0.1 or ::1, refused at the connection
    expect(errorOf(byName.id)).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address: a personal channel may not send there$/);
    expect(errorOf(byLiteral.id)).toBe("127.0.0.1, a loopback address: a personal channel may not send there");
    expect(errorOf(pushChannel.id)).toBe("127.0.0.1, a loopback address: a personal channel may not send there");
    // the failures are the filter's: with it off, the same channels are delivered to
    filter(false);
    const own = (await listStoredChannels({ ownerId: person.id })).filter((c) => c.type !== "webpush");
    for (const c of own) await sendToChannel(c, { id: "n1", event: "run.failed", title: "t", text: "x", url: "https://switchboard.example/", client: null, at: new Date().toISOString() });
    expect(hooks.requests.filter((r) => r.path === "/own-by-name" || r.path === "/own-literal")).toHaveLength(2);
  });

  it("connects to the address it checked: one lookup per connection, and a name that turns private after the save (DNS rebinding) is refused at the connection", async () => {
    // the filter off: the same guarded lookup resolves once and the socket goes where it said
    filter(false);
    const once = scripted(["127.0.0.1"], ["10.9.9.9"]);
    const reached = await postVia(guardedAgent("http:", once), `http://rebind.example:${new URL(hooks.url()).port}/checked`);
    expect(reached).toEqual({ remote: "127.0.0.1" });
    expect(once.calls).toBe(1);

    // the filter on: public when saved, loopback at the send
    filter(true);
    const rebinding = scripted(["93.184.216.34"], ["127.0.0.1"]);
    const url = `http://rebind.example:${new URL(hooks.url()).port}/rebound`;
    await expect(checkPersonalTarget(url, rebinding)).resolves.toBeUndefined();
    const result = await postVia(guardedAgent("http:", rebinding), url);
    expect("error" in result && result.error).toBeInstanceOf(RefusedAddressError);
    expect("error" in result && result.error.message).toBe("rebind.example resolves to 127.0.0.1, a loopback address: a personal channel may not send there");
    expect(hooks.requests.filter((r) => r.path === "/rebound")).toEqual([]);
    // every address of an answer is checked, not only the first
    const mixed = await postVia(guardedAgent("http:", scripted(["93.184.216.34", "::1"])), url);
    expect("error" in mixed && mixed.error.message).toBe("rebind.example resolves to ::1, a loopback address: a personal channel may not send there");
  });

  it("a person's send a test goes through the filter too, and is logged with the refused address", async () => {
    const person = await makeUser();
    filter(false);
    const { id } = await createStoredChannel({ name: `t-${uid()}`, type: "ntfy", ownerId: person.id, events: [...NOTIFICATION_EVENTS], clients: null, url: hooks.url("/own-test") });
    filter(true);
    const result = await callActionAs(person, () => sendPersonalTestAction({ id }));
    expect(result).toEqual({ ok: true, data: { ok: false, error: "127.0.0.1, a loopback address: a personal channel may not send there" } });
    expect(hooks.requests.filter((r) => r.path === "/own-test")).toEqual([]);
    const [logged] = await prisma.notificationDelivery.findMany({ where: { channel: `stored:${id}` } });
    expect(logged).toMatchObject({ event: "test", status: "failed", error: "127.0.0.1, a loopback address: a personal channel may not send there" });
  });
});

describe("a push endpoint web-push would read as another host", () => {
  const AMBIGUOUS = "URL parsers read different hosts from it";

  it("is refused at save, the reviewer's https://127.0.0.1%2eattacker.example/ among them, and a plain one is kept normalized", async () => {
    // WHATWG URL reads a name here, Node's url.parse (web-push's) the IP literal 127.0.0.1
    const endpoint = "https://127.0.0.1%2eattacker.example:8443/x";
    expect(new URL(endpoint).hostname).toBe("127.0.0.1.attacker.example");
    const person = await makeUser();
    const keys = push.subscribe().keys;
    const result = await callActionAs(person, () => enablePushAction({ endpoint, keys }));
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining(`push endpoint's host (127.0.0.1.attacker.example) is written so that ${AMBIGUOUS}`) });
    await expect(saveOwnPushChannel(person, { endpoint, keys })).rejects.toThrow(AMBIGUOUS);
    await expect(createStoredChannel({ name: `p-${uid()}`, type: "webpush", ownerId: person.id, events: ["run.failed"], clients: null, url: endpoint, keys })).rejects.toThrow(AMBIGUOUS);
    // with the filter off too: the endpoint itself is ambiguous
    filter(false);
    await expect(saveOwnPushChannel(person, { endpoint, keys })).rejects.toThrow(AMBIGUOUS);
    expect(await prisma.notificationChannel.count({ where: { ownerId: person.id } })).toBe(0);

    for (const bad of ["https://%31%32%37.0.0.1/x", "https://127.1/x", "https://0x7f.1/x", "https://a%2eexample/x", "https://user@127.0.0.1%2ea.example/x"]) expect(() => pushEndpoint(bad), bad).toThrow(AMBIGUOUS);
    expect(() => pushEndpoint("http://push.example/x")).toThrow("not an https:// address");
    for (const good of ["https://fcm.googleapis.com/fcm/send/abc:APA91b", "https://updates.push.services.mozilla.com/wpush/v2/gAAAA", "https://[2606:4700::1111]/x", "https://[::ffff:8.8.8.8]/x"]) {
      expect(pushEndpoint(good).href, good).toBe(new URL(good).href);
    }
    // kept as its normalized href, which the browser's own endpoint already is
    const browser = push.subscribe();
    const spelled = browser.endpoint.replace("https://", "HTTPS://");
    const { id } = await saveOwnPushChannel(person, { endpoint: spelled, keys: browser.keys });
    expect((await listStoredChannels({ id }))[0].url).toBe(browser.endpoint);
    expect(await callActionAs(person, () => disablePushAction({ endpoint: browser.endpoint }))).toEqual({ ok: true, data: { removed: true } });
  });

  it("planted in the database before the fix, is refused at the send: no socket goes to 127.0.0.1, the listener there gets nothing", async () => {
    const listener = await tcpListener(true);
    // every TCP connection the send opens, where it goes (the sockets stay real: the spy calls through).
    // url.parse stops the host at the "%" and so drops the port too: web-push went to 127.0.0.1:443
    const attempts: string[] = [];
    const connect = net.Socket.prototype.connect;
    const spy = vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number } | number;
      attempts.push(typeof first === "object" ? `${first.host}:${first.port}` : `${args[1]}:${first}`);
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    try {
      const person = await makeUser();
      const endpoint = `https://127.0.0.1%2eattacker.example:${listener.port}/x`;
      const { id } = await prisma.notificationChannel.create({
        data: {
          name: `old-${uid()}`,
          type: "webpush",
          ownerId: person.id,
          eventsJson: JSON.stringify(["run.failed"]),
          configSealed: seal("notification channels", JSON.stringify({ url: endpoint, keys: push.subscribe().keys })),
        },
        select: { id: true },
      });
      const [channel] = await listStoredChannels({ id });
      expect(channel.url).toBe(endpoint);
      await expect(sendToChannel(channel, message)).rejects.toThrow(AMBIGUOUS);
      filter(false);
      await expect(sendToChannel(channel, message)).rejects.toThrow(AMBIGUOUS);
      expect(attempts.filter((a) => a.startsWith("127.0.0.1:"))).toEqual([]);
      expect(listener.connections).toEqual([]);
    } finally {
      spy.mockRestore();
      await listener.close();
    }
  });
});

describe("the guarded agent's socket check (the backstop)", () => {
  it("refuses a connection made through the guarded agent to an IP literal, which no lookup checks, before a byte is sent", async () => {
    // http: the receiver on 127.0.0.1 gets no request
    const plain = await postVia(guardedAgent("http:"), hooks.url("/backstop"));
    expect("error" in plain && plain.error).toBeInstanceOf(RefusedAddressError);
    expect("error" in plain && plain.error.message).toBe("127.0.0.1, a loopback address: a personal channel may not send there");
    expect(hooks.requests.filter((r) => r.path === "/backstop")).toEqual([]);

    // https (web-push's agent): refused before the TLS handshake, so the listener gets no byte at all
    const listener = await tcpListener(false);
    try {
      const error = await new Promise<Error>((resolve) => {
        const req = https.request({ hostname: "127.0.0.1", port: listener.port, method: "POST", agent: guardedAgent("https:") }, () => resolve(new Error("answered")));
        req.on("error", resolve);
        req.end("{}");
      });
      expect(error).toBeInstanceOf(RefusedAddressError);
      expect(await Promise.all(listener.connections)).toEqual([0]);
    } finally {
      await listener.close();
    }
  });

  it("checks a socket's remote address once connected, and lets it be when the filter is off", async () => {
    const listener = await tcpListener(false);
    try {
      const connect = () =>
        new Promise<Error | null>((resolve) => {
          let failed: Error | null = null;
          const socket = guardSocket(net.connect({ host: "127.0.0.1", port: listener.port }));
          socket.on("error", (error) => (failed = error));
          // later "connect" listeners still run after the check destroyed the socket: only a live one is ended
          socket.on("connect", () => socket.destroyed || socket.end());
          socket.on("close", () => resolve(failed));
        });
      const refused = await connect();
      expect(refused).toBeInstanceOf(RefusedAddressError);
      expect(refused?.message).toBe("127.0.0.1, a loopback address: a personal channel may not send there");
      filter(false);
      expect(await connect()).toBeNull();
      expect(await Promise.all(listener.connections)).toEqual([0, 0]);
    } finally {
      await listener.close();
    }
  });
});
