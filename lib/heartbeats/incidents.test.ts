// Incidents that must not be lost, on a hand-driven clock: one that flapped and then stayed failing alerts
// once the hour after the last alert is up; a late incident whose opening failed after its late row was
// written is opened (and alerted) by a later pass.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { writePipeline } from "@/lib/testing/engine";
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
  it("alerts an incident that opened while it flapped and stayed failing, once the hour after the last alert is up", async () => {
    const slug = uniqueSlug("uptime");
    const alert = uniqueSlug("alert");
    writePipeline(alert, "name: Alert\ninputs:\n  status: { type: string }\n  error: { type: text }\nsteps:\n  - id: say\n    tool: test/echo\n    args: { message: hi }\n");
    writeHeartbeatsYaml(`- slug: ${slug}\n  name: Uptime check\n  cron: "*/5 * * * *"\n  grace: 2m\n  on_failure: ${alert}\n`);
    const clock = new ManualClock(new Date("2026-06-12T08:00:00Z"));
    const scheduler = await startScheduler(clock);
    running.push(scheduler);
    const token = await tokenOf(slug);
    const ping = (kind: "success" | "fail", exitCode: number) => recordPing(token, { kind, exitCode }, null, new Date(clock.now()));

    await ping("fail", 1); // 08:00 alerts
    clock.advance(5 * 60_000);
    await ping("success", 0); // 08:05 up again
    clock.advance(5 * 60_000);
    await ping("fail", 2); // 08:10 within the hour: flapping, no alert
    expect(await eventsOf(slug, ["alert"])).toHaveLength(1);
    expect(await outboxOf(slug, "heartbeat.failing")).toHaveLength(1);
    expect((await outboxOf(slug, "heartbeat.recovered")).length).toBe(1);

    // it stays failing: the scheduler wakes when the alert slot is free and alerts, once
    scheduler.poke();
    await scheduler.settle();
    await runUntil(clock, running, Date.parse("2026-06-12T12:00:00Z"));
    const alerts = await eventsOf(slug, ["alert"]);
    expect(alerts.map((a) => a.at.toISOString())).toEqual(["2026-06-12T08:00:00.000Z", "2026-06-12T09:00:00.000Z"]);
    expect(alerts[1].message).toMatch(/^still failing: exit code 2; started /);
    const failing = await outboxOf(slug, "heartbeat.failing");
    expect(failing).toHaveLength(2);
    expect(JSON.parse(failing[1].payloadJson)).toMatchObject({ title: "Uptime check is failing", text: "exit code 2" });
    const runs = await prisma.run.findMany({ where: { pipelineSlug: alert }, orderBy: { createdAt: "asc" }, select: { id: true, inputsJson: true } });
    expect(runs.map((r) => JSON.parse(r.inputsJson).error)).toEqual(["exit code 1", "exit code 2"]);
    expect(alerts[1].runId).toBe(runs[1].id);
  });

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
