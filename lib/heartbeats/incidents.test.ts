// Incidents that must not be lost, on a hand-driven clock: a late incident whose opening failed after its
// late row was written is opened (and alerted) by a later pass.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ManualClock } from "@/lib/heartbeats/clock";
import { recordPing } from "@/lib/heartbeats/ping";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, runUntil, startScheduler, stateOf, tokenOf, uniqueSlug, writeHeartbeatsYaml } from "@/lib/testing/heartbeats";

let running: HeartbeatScheduler[] = [];
beforeEach(() => clearWorkspace());
afterEach(async () => {
  await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "incident_busy"`);
  for (const s of running) await s.stop();
  running = [];
});

const outboxOf = (slug: string, event: string) => prisma.notificationOutbox.findMany({ where: { event, payloadJson: { contains: `/heartbeats/${slug}"` } } });

describe("heartbeat incidents", () => {
  it("opens and alerts a late incident on a later pass when opening it failed after the late row was written", async () => {
    const slug = uniqueSlug("backup");
    writeHeartbeatsYaml(`- slug: ${slug}\n  name: Backup\n  every: 1h\n  grace: 10m\n`);
    const clock = new ManualClock(new Date("2026-06-11T12:00:00Z"));
    const scheduler = await startScheduler(clock, { reconcileMs: 60_000 });
    running.push(scheduler);
    await recordPing(await tokenOf(slug), { kind: "success", exitCode: null }, null, new Date(clock.now()));
    const lateAt = Date.parse("2026-06-11T13:10:00Z");
    await runUntil(clock, running, lateAt - 1);

    // the database refuses the incident's UPDATE once (as SQLITE_BUSY would), after the late row committed
    const { id } = await stateOf(slug);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER "incident_busy" BEFORE UPDATE OF "incidentOpen" ON "HeartbeatState" WHEN NEW."id" = '${id}' BEGIN SELECT RAISE(ABORT, 'database is locked'); END`);
    clock.advanceTo(lateAt);
    await scheduler.settle();
    expect(await eventsOf(slug, ["late"])).toHaveLength(1);
    expect(await eventsOf(slug, ["alert"])).toHaveLength(0);
    expect((await stateOf(slug)).incidentOpen).toBe(false);
    await prisma.$executeRawUnsafe(`DROP TRIGGER "incident_busy"`);

    // the failed pass planned its next look; that look opens the incident and alerts once
    expect(scheduler.nextWakeAt).toBe(lateAt + 60_000);
    clock.advanceTo(lateAt + 60_000);
    await scheduler.settle();
    expect((await stateOf(slug)).incidentOpen).toBe(true);
    expect((await eventsOf(slug, ["late", "alert"])).map((e) => e.kind)).toEqual(["late", "alert"]);
    expect(await outboxOf(slug, "heartbeat.late")).toHaveLength(1);
    await runUntil(clock, running, lateAt + 10 * 60_000);
    expect(await eventsOf(slug, ["alert"])).toHaveLength(1);
  });
});
