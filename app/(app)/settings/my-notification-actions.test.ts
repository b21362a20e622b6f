// The per-person server actions, called as a signed-in browser calls them (lib/testing/server-actions.ts):
// an operator saves their own preferences and adds a channel of their own, and is refused another
// person's preferences, the admins' defaults and another person's channel.
// first: the request scope's storage must exist before next/headers is loaded
import { callActionAs } from "@/lib/testing/server-actions";

import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { BUILT_IN, DEFAULTS_ID, preferencesOf } from "@/lib/notify/preferences";
import { addPersonalChannelAction, deletePersonalChannelAction, savePreferencesAction } from "./my-notification-actions";

beforeAll(() => {
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
