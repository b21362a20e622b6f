// Per-person notifications on real SQLite, a real local HTTP receiver and the heartbeats' hand-driven
// clock: quiet hours hold a message until they end (in the person's zone), a digest person gets one
// message at the digest hour listing what came, preferences filter by event, client and channel,
// tool.changed goes to admins only, a new user gets the admins' defaults, and nobody saves another
// person's preferences.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/users";
import { createUser } from "@/lib/auth/users";
import { prisma, writeTransaction } from "@/lib/db/client";
import { insertOutboxRow, NOTIFICATION_EVENTS, type NotificationEvent } from "@/lib/db/outbox";
import { resetEnvForTests } from "@/lib/env";
import { ManualClock } from "@/lib/heartbeats/clock";
import type { Channel } from "@/lib/notify/config";
import { BUILT_IN, DEFAULTS_ID, holdUntil, type Preferences, preferencesOf, savePreferences } from "@/lib/notify/preferences";
import { allChannels, NotificationSender } from "@/lib/notify/sender";
import { createStoredChannel, listOwnChannelSummaries } from "@/lib/notify/stored-channels";
import { startHttpReceiver, type HttpReceiver } from "@/lib/testing/notify-receivers";

let hooks: HttpReceiver;

beforeAll(async () => {
  hooks = await startHttpReceiver();
  process.env.SWITCHBOARD_URL = "https://switchboard.example";
  // people's channels here post to receivers on 127.0.0.1 (address-filter.test.ts runs with the filter on)
  process.env.SWITCHBOARD_NOTIFY_ALLOW_PRIVATE = "1";
  resetEnvForTests();
});

afterAll(async () => {
  await hooks.close();
});

const uid = () => randomUUID().slice(0, 8);

async function makeUser(role: "admin" | "operator" = "operator"): Promise<SessionUser> {
  const email = `p-${uid()}@agency.example`;
  const user = await prisma.user.create({ data: { email, passwordHash: "not-used", role }, select: { id: true, email: true, name: true, role: true } });
  return { ...user, role };
}

/** A personal webhook channel of `user`, received at its own path; its id. */
async function addChannel(user: SessionUser, hookPath: string): Promise<string> {
  const { id } = await createStoredChannel({ name: `hook-${uid()}`, type: "webhook", ownerId: user.id, events: [...NOTIFICATION_EVENTS], clients: null, url: hooks.url(hookPath), secret: "s" });
  return id;
}

async function emit(event: NotificationEvent, client: string | null, title: string, at: number): Promise<void> {
  await writeTransaction((db) => insertOutboxRow(db, { event, dedupeKey: `${event}:${uid()}`, clientSlug: client, title, text: `${title} (text)`, path: "/drafts", at: new Date(at) }));
}

const got = (hookPath: string) => hooks.requests.filter((r) => r.path === hookPath).map((r) => JSON.parse(r.body) as { event: string; title: string; text: string; id: string });

function senderOn(clock: ManualClock): NotificationSender {
  // no team channels here: only people's own
  return new NotificationSender({ now: () => clock.now(), channels: async () => [] });
}

const prefs = (p: Partial<Preferences>): Preferences => ({ ...BUILT_IN, ...p });

describe("per-person notifications", () => {
  it("holds a draft.waiting at 23:00 in a person's 22:00–07:00 quiet hours (America/Chicago) and delivers it at 07:00, not before", async () => {
    const client = `quiet-${uid()}`;
    const person = await makeUser();
    const hook = `/quiet/${person.id}`;
    await addChannel(person, hook);
    await savePreferences(person, person.id, prefs({ clients: [client], timeZone: "America/Chicago", quietStart: "22:00", quietEnd: "07:00" }));
    // 23:00 in Chicago (UTC-6 in December)
    const clock = new ManualClock(new Date("2026-12-08T05:00:00Z"));
    const sender = senderOn(clock);
    await emit("draft.waiting", client, "A draft waits: Quiet report", clock.now());
    expect(await sender.tick()).toBe(1);
    expect(got(hook)).toEqual([]);
    expect(await prisma.notificationHold.count({ where: { userId: person.id, kind: "quiet" } })).toBe(1);
    clock.advanceTo(new Date("2026-12-08T10:00:00Z")); // 04:00 local
    await sender.tick();
    expect(got(hook)).toEqual([]);
    clock.advanceTo(new Date("2026-12-08T12:59:00Z")); // 06:59 local
    await sender.tick();
    expect(got(hook)).toEqual([]);
    clock.advanceTo(new Date("2026-12-08T13:00:00Z")); // 07:00 local
    await sender.tick();
    expect(got(hook).map((m) => [m.event, m.title])).toEqual([["draft.waiting", "A draft waits: Quiet report"]]);
    expect(await prisma.notificationHold.count({ where: { userId: person.id } })).toBe(0);
    clock.advance(3_600_000);
    await sender.tick();
    expect(got(hook)).toHaveLength(1);
    // outside quiet hours (08:00 local) a message goes at once
    await emit("run.failed", client, "A run failed: Quiet pipeline", clock.now());
    await sender.tick();
    expect(got(hook).map((m) => m.event)).toEqual(["draft.waiting", "run.failed"]);
  });

  it("groups drafts of one client held through quiet hours into one message when they end", async () => {
    const client = `grouped-${uid()}`;
    const person = await makeUser();
    const hook = `/grouped/${person.id}`;
    await addChannel(person, hook);
    await savePreferences(person, person.id, prefs({ clients: [client], timeZone: "America/Chicago", quietStart: "22:00", quietEnd: "07:00" }));
    const clock = new ManualClock(new Date("2026-12-08T05:00:00Z")); // 23:00 local
    const sender = senderOn(clock);
    await emit("draft.waiting", client, "A draft waits: First", clock.now());
    await sender.tick();
    clock.advance(30 * 60_000);
    await emit("draft.waiting", client, "A draft waits: Second", clock.now());
    await sender.tick();
    expect(got(hook)).toEqual([]);
    clock.advanceTo(new Date("2026-12-08T13:00:00Z")); // 07:00 local
    await sender.tick();
    expect(got(hook).map((m) => [m.title, m.text])).toEqual([[`2 drafts wait for ${client}`, "- First\n- Second"]]);
  });

  it("sends a digest person one message listing three events at the digest hour, and none before", async () => {
    const client = `digest-${uid()}`;
    const person = await makeUser();
    const hook = `/digest/${person.id}`;
    await addChannel(person, hook);
    await savePreferences(person, person.id, prefs({ clients: [client], timeZone: "Europe/Berlin", digestHour: 8 }));
    const clock = new ManualClock(new Date("2026-12-09T09:30:00Z")); // 10:30 in Berlin
    const sender = senderOn(clock);
    const titles = ["A draft waits: Digest one", "A run failed: Digest two", "Heartbeat failing: Digest three"];
    const events: NotificationEvent[] = ["draft.waiting", "run.failed", "heartbeat.failing"];
    for (let i = 0; i < 3; i++) {
      await emit(events[i], client, titles[i], clock.now());
      await sender.tick();
      clock.advance(4 * 3_600_000);
    }
    expect(got(hook)).toEqual([]);
    clock.advanceTo(new Date("2026-12-10T06:59:00Z")); // 07:59 in Berlin
    await sender.tick();
    expect(got(hook)).toEqual([]);
    clock.advanceTo(new Date("2026-12-10T07:00:00Z")); // 08:00
    await sender.tick();
    const [digest, ...more] = got(hook);
    expect(more).toEqual([]);
    expect(digest.event).toBe("digest");
    expect(digest.title).toBe("Switchboard digest: 3 notifications");
    expect(digest.text.split("\n")).toEqual(titles.map((t) => `- ${t}`));
    clock.advance(3_600_000);
    await sender.tick();
    expect(got(hook)).toHaveLength(1);
    // the log has one sent record per event, on the person's channel
    expect(await prisma.notificationDelivery.count({ where: { event: { in: events }, status: "sent", channel: { startsWith: "stored:" }, outbox: { client } } })).toBe(3);
  });

  it("sends each of four digest people one digest of all 20 of their events, though the 80 holds are more than one claim's 50", async () => {
    const client = `digests-${uid()}`;
    const people = await Promise.all([makeUser(), makeUser(), makeUser(), makeUser()]);
    for (const person of people) {
      await addChannel(person, `/digests/${person.id}`);
      await savePreferences(person, person.id, prefs({ clients: [client], timeZone: "Europe/Berlin", digestHour: 8 }));
    }
    const clock = new ManualClock(new Date("2026-12-14T09:00:00Z")); // 10:00 in Berlin
    const sender = senderOn(clock);
    const titles = Array.from({ length: 20 }, (_, i) => `A run failed: digest piece ${String(i).padStart(2, "0")}`);
    for (const title of titles) {
      await emit("run.failed", client, title, clock.now());
      clock.advance(60_000);
    }
    await sender.tick();
    for (const person of people) expect(await prisma.notificationHold.count({ where: { userId: person.id, kind: "digest" } })).toBe(20);
    clock.advanceTo(new Date("2026-12-15T07:00:00Z")); // 08:00 in Berlin: every hold is due at the same instant
    await sender.tick();
    // whole people only: three in the first claim (0, 20 and 40 holds before each, under 50), the fourth next
    expect(await prisma.notificationHold.count({ where: { userId: { in: people.map((p) => p.id) } } })).toBe(20);
    await sender.tick();
    for (const person of people) {
      const digests = got(`/digests/${person.id}`);
      expect(digests.map((m) => m.title)).toEqual(["Switchboard digest: 20 notifications"]);
      expect(digests[0].text.split("\n")).toEqual(titles.map((t) => `- ${t}`));
      expect(await prisma.notificationHold.count({ where: { userId: person.id } })).toBe(0);
    }
  });

  it("does not release holds whose claim ran out on a slow channel and another sender took", async () => {
    const client = `lease-${uid()}`;
    const people = [await makeUser(), await makeUser()];
    const clock = new ManualClock(new Date("2026-12-16T05:00:00Z")); // 23:00 in Chicago
    const first = new NotificationSender({ id: "holds-first", now: () => clock.now(), channels: async () => [] });
    const second = new NotificationSender({ id: "holds-second", now: () => clock.now(), channels: async () => [] });
    let secondTick: Promise<number> | null = null;
    let secondSending = () => {};
    const secondIsSending = new Promise<void>((resolve) => (secondSending = resolve));
    let letSecondOn = () => {};
    const secondMayGoOn = new Promise<void>((resolve) => (letSecondOn = resolve));
    const paths: string[] = [];
    // a slow channel: the first sender's first send is answered only after its claim (two minutes) ran
    // out and the second sender claimed both holds and started sending; the second's first send waits
    // until the first sender has finished
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", async () => {
        paths.push(req.url ?? "");
        if (paths.length === 1) {
          clock.advance(121_000);
          secondTick = second.tick();
          await secondIsSending;
        } else if (paths.length === 2) {
          secondSending();
          await secondMayGoOn;
        }
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
      for (const person of people) {
        await createStoredChannel({ name: `lease-${uid()}`, type: "webhook", ownerId: person.id, events: [...NOTIFICATION_EVENTS], clients: null, url: url(`/lease/${person.id}`), secret: "s" });
        await savePreferences(person, person.id, prefs({ clients: [client], timeZone: "America/Chicago", quietStart: "22:00", quietEnd: "07:00" }));
      }
      await emit("run.failed", client, "A run failed: held for two", clock.now());
      await first.tick();
      expect(await prisma.notificationHold.count({ where: { userId: { in: people.map((p) => p.id) } } })).toBe(2);
      clock.advanceTo(new Date("2026-12-16T13:00:00Z")); // 07:00: both holds due
      await first.tick();
      // the first sender sent to one person (that send outlived its claim); the other's hold is the second sender's
      expect(paths).toHaveLength(2);
      const other = people.find((p) => paths[0] !== `/lease/${p.id}`)?.id;
      letSecondOn();
      await secondTick;
      expect(paths.filter((p) => p === `/lease/${other}`)).toHaveLength(1);
      expect(await prisma.notificationHold.count({ where: { userId: { in: people.map((p) => p.id) } } })).toBe(0);
    } finally {
      letSecondOn();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /**
   * A person's own channel ("phone") answers 500 and a team channel is unreachable, both on a run.failed's
   * only attempt; the next tick sends the two channel.failing rows. Another person wants every
   * channel.failing, and a team channel takes it.
   */
  async function twoChannelsFail() {
    const client = `failing-${uid()}`;
    const owner = await makeUser();
    const watcher = await makeUser();
    const phone = await startHttpReceiver();
    const gone = await startHttpReceiver();
    const goneUrl = gone.url("/gone");
    await gone.close();
    try {
      phone.failNext(500);
      const phoneId = (await createStoredChannel({ name: "phone", type: "webhook", ownerId: owner.id, events: [...NOTIFICATION_EVENTS], clients: null, url: phone.url("/own"), secret: "s" })).id;
      const good = `/failing/${owner.id}/good`;
      await addChannel(owner, good);
      await savePreferences(owner, owner.id, prefs({ clients: null }));
      const watcherHook = `/failing/${watcher.id}`;
      await addChannel(watcher, watcherHook);
      await savePreferences(watcher, watcher.id, prefs({ events: ["channel.failing"], clients: null }));
      const teamHook = `/failing/team/${client}`;
      const team: Channel[] = [
        { name: `team-${client}`, type: "webhook", url: hooks.url(teamHook), secret: "s", events: ["channel.failing"], clients: null },
        { name: `broken-${client}`, type: "slack", url: goneUrl, events: ["run.failed"], clients: [client] },
      ];
      const clock = new ManualClock(new Date("2026-12-17T12:00:00Z"));
      const sender = new NotificationSender({ now: () => clock.now(), maxAttempts: 1, channels: async () => team });
      await emit("run.failed", client, "A run failed: fails twice", clock.now());
      await sender.tick(); // the phone answers 500, the broken team channel is unreachable: both given up
      await sender.tick(); // the two channel.failing rows
      const phoneGot = phone.requests.map((r) => JSON.parse(r.body) as { title: string });
      return { phoneId, phoneGot, good, watcherHook, teamHook, aboutPhone: `The notification channel stored:${phoneId} keeps failing`, aboutTeam: `The notification channel broken-${client} keeps failing` };
    } finally {
      await phone.close();
    }
  }

  it("does not tell a person's own failing channel about its own failure (it gets the team channel's)", async () => {
    const { phoneGot, aboutPhone, aboutTeam } = await twoChannelsFail();
    expect(phoneGot.map((m) => m.title)).toEqual(["A run failed: fails twice", aboutTeam]);
    expect(phoneGot.map((m) => m.title)).not.toContain(aboutPhone);
  });

  it("tells only its owner that a person's own channel keeps failing, and each channel.failing names only its own channel's error", async () => {
    const { phoneId, good, watcherHook, teamHook, aboutPhone, aboutTeam } = await twoChannelsFail();
    // nobody else hears of it: not the team's channel, not another person who wants every channel.failing
    expect(got(teamHook).map((m) => m.title)).toEqual([aboutTeam]);
    expect(got(watcherHook).map((m) => m.title)).toEqual([aboutTeam]);
    // the owner hears of the phone on their other channel, with the phone's error alone
    expect(
      got(good)
        .map((m) => m.title)
        .sort(),
    ).toEqual(["A run failed: fails twice", aboutPhone, aboutTeam].sort());
    expect(got(good).find((m) => m.title === aboutPhone)?.text).toBe(`1 attempts to send "A run failed: fails twice" failed. stored:${phoneId}: the channel answered HTTP 500`);
    // and the team channel's channel.failing says only that channel's error, nothing of the person's
    for (const m of [...got(teamHook), ...got(watcherHook)]) {
      expect(m.text).toContain("ECONNREFUSED");
      expect(m.text).not.toContain("HTTP 500");
      expect(m.text).not.toContain(phoneId);
    }
  });

  it("filters by event, client and channel; tool.changed reaches admins only", async () => {
    const client = `filter-${uid()}`;
    const operator = await makeUser("operator");
    const admin = await makeUser("admin");
    const wanted = `/filter/${operator.id}/a`;
    const unwanted = `/filter/${operator.id}/b`;
    const first = await addChannel(operator, wanted);
    await addChannel(operator, unwanted);
    await savePreferences(operator, operator.id, prefs({ events: ["run.failed", "tool.changed"], clients: [client], channels: [first] }));
    const adminHook = `/filter/${admin.id}`;
    await addChannel(admin, adminHook);
    await savePreferences(admin, admin.id, prefs({ events: ["tool.changed"], clients: null }));
    const clock = new ManualClock(new Date("2026-12-11T12:00:00Z"));
    const sender = senderOn(clock);
    await emit("run.failed", client, "A run failed: wanted", clock.now());
    await emit("run.failed", `other-${uid()}`, "A run failed: other client", clock.now());
    await emit("draft.waiting", client, "A draft waits: unwanted event", clock.now());
    await emit("tool.changed", null, `A tool changed ${uid()}`, clock.now());
    await sender.tick();
    expect(got(wanted).map((m) => m.title)).toEqual(["A run failed: wanted"]);
    expect(got(unwanted)).toEqual([]);
    expect(got(adminHook).map((m) => m.event)).toEqual(["tool.changed"]);
  });

  it("gives a new user the admins' defaults, and delivers by them", async () => {
    const admin = await makeUser("admin");
    const client = `defaults-${uid()}`;
    const defaults = prefs({ events: ["budget.reached"], clients: [client], timeZone: "Asia/Tokyo" });
    await savePreferences(admin, DEFAULTS_ID, defaults);
    const created = await createUser({ email: `new-${uid()}@agency.example`, password: "a-long-enough-password-1", role: "operator" }, { id: admin.id, label: admin.email });
    expect(await preferencesOf(created.id)).toEqual({ ...defaults, own: false });
    const hook = `/defaults/${created.id}`;
    await addChannel(created, hook);
    const clock = new ManualClock(new Date("2026-12-12T12:00:00Z"));
    const sender = senderOn(clock);
    await emit("budget.reached", client, "Budget reached", clock.now());
    await emit("run.failed", client, "A run failed", clock.now());
    await sender.tick();
    expect(got(hook).map((m) => m.event)).toEqual(["budget.reached"]);
    await savePreferences(admin, DEFAULTS_ID, BUILT_IN);
  });

  it("refuses an operator saving another person's preferences or the defaults", async () => {
    const operator = await makeUser("operator");
    const other = await makeUser("operator");
    await savePreferences(other, other.id, prefs({ events: ["run.failed"] }));
    await expect(savePreferences(operator, other.id, prefs({ events: [] }))).rejects.toThrow("only your own");
    await expect(savePreferences(operator, DEFAULTS_ID, prefs({ events: [] }))).rejects.toThrow("only your own");
    const admin = await makeUser("admin");
    await expect(savePreferences(admin, other.id, prefs({ events: [] }))).rejects.toThrow("only your own");
    expect((await preferencesOf(other.id)).events).toEqual(["run.failed"]);
  });

  it("ends quiet hours at the local time on a DST change (Chicago springs forward on 14 March 2027)", () => {
    const quiet = prefs({ timeZone: "America/Chicago", quietStart: "22:00", quietEnd: "07:00" });
    // 23:00 CST on the 13th; 07:00 CDT on the 14th is 12:00 UTC, five hours after 07:00 UTC
    expect(holdUntil(quiet, Date.parse("2027-03-14T05:00:00Z"))).toEqual({ kind: "quiet", until: Date.parse("2027-03-14T12:00:00Z") });
    expect(holdUntil(quiet, Date.parse("2027-03-14T12:00:00Z"))).toBeNull();
    expect(holdUntil(prefs({ timeZone: "Asia/Kolkata", digestHour: 9 }), Date.parse("2026-12-07T04:00:00Z"))).toEqual({ kind: "digest", until: Date.parse("2026-12-08T03:30:00Z") });
  });

  it("ends quiet hours in the repeated hour when New York's clocks go back (2 November 2025): 01:10 EST is released at 01:30 EST, 20 minutes later", async () => {
    const quiet = prefs({ timeZone: "America/New_York", quietStart: "22:00", quietEnd: "01:30" });
    // 06:10Z is 01:10 EST, the second pass of 01:00–02:00; the first 01:30 (EDT, 05:30Z) is already past
    expect(holdUntil(quiet, Date.parse("2025-11-02T06:10:00Z"))).toEqual({ kind: "quiet", until: Date.parse("2025-11-02T06:30:00Z") });
    // the first pass, 01:10 EDT, ends at the first 01:30 (EDT)
    expect(holdUntil(quiet, Date.parse("2025-11-02T05:10:00Z"))).toEqual({ kind: "quiet", until: Date.parse("2025-11-02T05:30:00Z") });

    // through the sender on the hand-driven clock: held at 01:10 EST, delivered at 01:30 EST that night
    const client = `fallback-${uid()}`;
    const person = await makeUser();
    const hook = `/fallback/${person.id}`;
    await addChannel(person, hook);
    await savePreferences(person, person.id, { ...quiet, clients: [client] });
    const clock = new ManualClock(new Date("2025-11-02T06:10:00Z"));
    const sender = senderOn(clock);
    await emit("run.failed", client, "A run failed: in the repeated hour", clock.now());
    await sender.tick();
    expect(got(hook)).toEqual([]);
    clock.advanceTo(new Date("2025-11-02T06:29:00Z"));
    await sender.tick();
    expect(got(hook)).toEqual([]);
    clock.advanceTo(new Date("2025-11-02T06:30:00Z"));
    await sender.tick();
    expect(got(hook).map((m) => m.title)).toEqual(["A run failed: in the repeated hour"]);
  });

  it("ends quiet hours in the repeated hour when Berlin's clocks go back (26 October 2025): 02:10 CEST at 02:30 CEST, 02:10 CET at 02:30 CET", () => {
    const quiet = prefs({ timeZone: "Europe/Berlin", quietStart: "22:00", quietEnd: "02:30" });
    // 00:10Z is 02:10 CEST (the first pass): 20 minutes, not the 80 until 02:30 CET
    expect(holdUntil(quiet, Date.parse("2025-10-26T00:10:00Z"))).toEqual({ kind: "quiet", until: Date.parse("2025-10-26T00:30:00Z") });
    expect(holdUntil(quiet, Date.parse("2025-10-26T01:10:00Z"))).toEqual({ kind: "quiet", until: Date.parse("2025-10-26T01:30:00Z") });
  });

  it("ends quiet hours whose end falls in the hour New York skips (8 March 2026) at the instant just after it: 02:30 gives 03:00 EDT", () => {
    const quiet = prefs({ timeZone: "America/New_York", quietStart: "22:00", quietEnd: "02:30" });
    // 23:00 EST on the 7th (04:00Z); 02:00–03:00 never happens on the 8th, and 03:00 EDT is 07:00Z
    expect(holdUntil(quiet, Date.parse("2026-03-08T04:00:00Z"))).toEqual({ kind: "quiet", until: Date.parse("2026-03-08T07:00:00Z") });
    // a digest hour in the gap goes out at the same instant
    expect(holdUntil(prefs({ timeZone: "America/New_York", digestHour: 2 }), Date.parse("2026-03-08T04:00:00Z"))).toEqual({ kind: "digest", until: Date.parse("2026-03-08T07:00:00Z") });
  });

  it("keeps a personal channel's address sealed, and shows it only masked", async () => {
    const person = await makeUser();
    const hook = `/sealed/very-secret-path-${uid()}`;
    const id = await addChannel(person, hook);
    const row = await prisma.notificationChannel.findUniqueOrThrow({ where: { id } });
    expect(row.configSealed).not.toContain("very-secret-path");
    expect(row.ownerId).toBe(person.id);
    const shown = await listOwnChannelSummaries(person.id);
    expect(shown.map((c) => c.id)).toEqual([id]);
    expect(JSON.stringify(shown)).not.toContain("very-secret-path");
    expect(await listOwnChannelSummaries((await makeUser()).id)).toEqual([]);
    // a person's channel is not one of the team's: it gets only what its owner's preferences let through
    expect((await allChannels()).map((c) => c.name)).not.toContain(`stored:${id}`);
  });
});
