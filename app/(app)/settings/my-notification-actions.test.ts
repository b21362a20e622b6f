// The per-person server actions, called as a signed-in browser calls them (lib/testing/server-actions.ts):
// an operator saves their own preferences and adds a channel of their own, and is refused another
// person's preferences, the admins' defaults and another person's channel; sends a test to their own
// channel (a real receiver gets it, signed) but not to another person's; and disables push on their
// browser without touching another person's subscription.
// first: the request scope's storage must exist before next/headers is loaded
import { callActionAs } from "@/lib/testing/server-actions";

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { signBody } from "@/lib/notify/channels";
import { BUILT_IN, DEFAULTS_ID, preferencesOf } from "@/lib/notify/preferences";
import { startHttpReceiver, type HttpReceiver } from "@/lib/testing/notify-receivers";
import { addPersonalChannelAction, deletePersonalChannelAction, savePreferencesAction, sendPersonalTestAction } from "./my-notification-actions";
import { disablePushAction, enablePushAction } from "./notification-actions";

let hooks: HttpReceiver;

afterAll(async () => {
  await hooks.close();
});

beforeAll(async () => {
  hooks = await startHttpReceiver();
  process.env.SWITCHBOARD_URL = "https://switchboard.example";
  // people's channels here post to receivers on 127.0.0.1 (address-filter.test.ts runs with the filter on)
  process.env.SWITCHBOARD_NOTIFY_ALLOW_PRIVATE = "1";
  resetEnvForTests();
});

async function makeUser(role: "admin" | "operator") {
  return prisma.user.create({ data: { email: `a-${randomUUID().slice(0, 8)}@agency.example`, passwordHash: "not-used", role }, select: { id: true, sessionVersion: true } });
}

describe("per-person notification actions", () => {
  it("let an operator save their own preferences and add a channel of their own, sealed", async () => {
    const operator = await makeUser("operator");
    const saved = await callActionAs(operator, () =>
      savePreferencesAction({ target: operator.id, preferences: { ...BUILT_IN, events: ["run.failed"], timeZone: "America/Chicago", quietStart: "22:00", quietEnd: "07:00" } }),
    );
    expect(saved).toEqual({ ok: true, data: undefined });
    expect(await preferencesOf(operator.id)).toMatchObject({ events: ["run.failed"], quietStart: "22:00", own: true });
    const added = await callActionAs(operator, () => addPersonalChannelAction({ type: "ntfy", name: "my phone", url: "https://ntfy.example/very-secret-topic" }));
    expect(added.ok).toBe(true);
    const row = await prisma.notificationChannel.findFirstOrThrow({ where: { ownerId: operator.id } });
    expect(row.configSealed).not.toContain("very-secret-topic");
    const bad = await callActionAs(operator, () => savePreferencesAction({ target: operator.id, preferences: { ...BUILT_IN, timeZone: "Mars/Olympus" } }));
    expect(bad.ok).toBe(false);
  });

  it("refuse an operator another person's preferences, the defaults and another person's channel", async () => {
    const operator = await makeUser("operator");
    const other = await makeUser("operator");
    const forOther = await callActionAs(operator, () => savePreferencesAction({ target: other.id, preferences: { ...BUILT_IN, events: [] } }));
    expect(forOther).toEqual({ ok: false, error: "You can change only your own notification preferences" });
    expect(await prisma.notificationPreference.count({ where: { userId: other.id } })).toBe(0);
    const defaults = await callActionAs(operator, () => savePreferencesAction({ target: DEFAULTS_ID, preferences: { ...BUILT_IN, events: [] } }));
    expect(defaults.ok).toBe(false);
    expect(await prisma.notificationPreference.count({ where: { userId: DEFAULTS_ID } })).toBe(0);
    const added = await callActionAs(other, () => addPersonalChannelAction({ type: "slack", name: "theirs", url: "https://hooks.slack.example/x" }));
    if (!added.ok) throw new Error(added.error);
    expect(await callActionAs(operator, () => deletePersonalChannelAction({ id: added.data.id }))).toEqual({ ok: false, error: "No such channel of yours" });
    expect(await prisma.notificationChannel.count({ where: { id: added.data.id } })).toBe(1);
    // and with no session at all, nothing is saved
    expect(await callActionAs({ id: "nobody" }, () => savePreferencesAction({ target: "nobody", preferences: BUILT_IN }))).toMatchObject({ ok: false });
  });

  it("let an admin save the defaults", async () => {
    const admin = await makeUser("admin");
    const result = await callActionAs(admin, () => savePreferencesAction({ target: DEFAULTS_ID, preferences: { ...BUILT_IN, events: ["budget.reached"] } }));
    expect(result).toEqual({ ok: true, data: undefined });
    expect((await preferencesOf(DEFAULTS_ID)).events).toEqual(["budget.reached"]);
    await prisma.notificationPreference.delete({ where: { userId: DEFAULTS_ID } });
  });
});

describe("a person's own channel: send a test, disable push", () => {
  it("sends a test to the person's own webhook, signed, and logs it; another person's channel id is refused and nothing is sent", async () => {
    const owner = await makeUser("operator");
    const other = await makeUser("admin");
    const hookPath = `/own-${randomUUID()}`;
    const added = await callActionAs(owner, () => addPersonalChannelAction({ type: "webhook", name: "my hook", url: hooks.url(hookPath), secret: "own-secret" }));
    if (!added.ok) throw new Error(added.error);

    expect(await callActionAs(owner, () => sendPersonalTestAction({ id: added.data.id }))).toEqual({ ok: true, data: { ok: true } });
    const received = hooks.requests.filter((r) => r.path === hookPath);
    expect(received).toHaveLength(1);
    expect(received[0].headers["x-switchboard-signature"]).toBe(signBody("own-secret", received[0].body));
    expect(JSON.parse(received[0].body)).toMatchObject({ event: "test", title: "A test from Switchboard", url: "https://switchboard.example/settings#notifications" });
    const log = await prisma.notificationDelivery.findMany({ where: { channel: `stored:${added.data.id}` } });
    expect(log.map((d) => [d.event, d.status, d.recipient])).toEqual([["test", "sent", `${new URL(hooks.url()).origin}/…`]]);

    // another person (an admin too) and nobody at all: refused, nothing sent, nothing logged
    expect(await callActionAs(other, () => sendPersonalTestAction({ id: added.data.id }))).toEqual({ ok: false, error: "No such channel of yours" });
    expect(await callActionAs({ id: "nobody" }, () => sendPersonalTestAction({ id: added.data.id }))).toMatchObject({ ok: false });
    expect(hooks.requests.filter((r) => r.path === hookPath)).toHaveLength(1);
    expect(await prisma.notificationDelivery.count({ where: { channel: `stored:${added.data.id}` } })).toBe(1);

    // a channel that fails says why
    hooks.failNext(500);
    expect(await callActionAs(owner, () => sendPersonalTestAction({ id: added.data.id }))).toEqual({ ok: true, data: { ok: false, error: "the channel answered HTTP 500" } });
  });

  it("disables push for the person's own browser only: another person's endpoint is left alone", async () => {
    const owner = await makeUser("operator");
    const other = await makeUser("operator");
    const keys = { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) };
    const mine = `https://push.example/send/${randomUUID()}`;
    const theirs = `https://push.example/send/${randomUUID()}`;
    // enabling sends a test, which fails (push.example is no push service): the subscription is kept all the same
    expect(await callActionAs(owner, () => enablePushAction({ endpoint: mine, keys }))).toMatchObject({ ok: true });
    expect(await callActionAs(other, () => enablePushAction({ endpoint: theirs, keys }))).toMatchObject({ ok: true });
    const count = (ownerId: string) => prisma.notificationChannel.count({ where: { ownerId, type: "webpush" } });
    expect([await count(owner.id), await count(other.id)]).toEqual([1, 1]);

    expect(await callActionAs(owner, () => disablePushAction({ endpoint: theirs }))).toEqual({ ok: true, data: { removed: false } });
    expect(await count(other.id)).toBe(1);
    expect(await callActionAs({ id: "nobody" }, () => disablePushAction({ endpoint: mine }))).toMatchObject({ ok: false });
    expect(await callActionAs(owner, () => disablePushAction({ endpoint: mine }))).toEqual({ ok: true, data: { removed: true } });
    expect([await count(owner.id), await count(other.id)]).toEqual([0, 1]);
    expect(await prisma.auditLog.count({ where: { actorId: owner.id, action: "notifications.push.disable" } })).toBe(1);
    // twice is harmless
    expect(await callActionAs(owner, () => disablePushAction({ endpoint: mine }))).toEqual({ ok: true, data: { removed: false } });
  });
});
