// Ticks on a hand-driven clock: DST changes in America/Chicago, the overlap skip, missed ticks after
// downtime with catchUp one and none, two schedulers racing for one tick, and a run's result recorded
// (through a real worker) as the heartbeat's success or failure.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ScriptedRunner, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { retryRun } from "@/lib/engine/run-control";
import { Worker } from "@/lib/engine/worker";
import { ManualClock } from "@/lib/heartbeats/clock";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, runUntil, scheduledPipeline, startScheduler, uniqueSlug } from "@/lib/testing/heartbeats";

let running: HeartbeatScheduler[] = [];
const iso = (d: Date | null) => d?.toISOString();

beforeEach(() => clearWorkspace());
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});

async function ticks(slug: string) {
  return (await eventsOf(slug, ["run", "skipped", "missed", "nothing"])).map((e) => `${e.kind} ${iso(e.dueAt)}`);
}

describe("scheduled ticks", () => {
  it("tick once a day across both DST changes of America/Chicago (2:30 on 2026-03-08 does not exist; 1:30 on 2026-11-01 happens twice)", async () => {
    const spring = uniqueSlug("spring");
    const autumn = uniqueSlug("autumn");
    writePipeline(spring, scheduledPipeline(`  cron: "30 2 * * *"\n  timezone: America/Chicago\n`));
    writePipeline(autumn, scheduledPipeline(`  cron: "30 1 * * *"\n  timezone: America/Chicago\n`));
    const clock = new ManualClock(new Date("2026-03-06T12:00:00Z"));
    running.push(await startScheduler(clock));
    // each tick's run is left queued, so the next day's tick is recorded as skipped: both are ticks
    await runUntil(clock, running, Date.parse("2026-03-10T00:00:00Z"));
    expect(await ticks(spring)).toEqual([
      "run 2026-03-07T08:30:00.000Z", // 02:30 CST
      "skipped 2026-03-08T08:00:00.000Z", // 03:00 CDT: the first minute after the gap
      "skipped 2026-03-09T07:30:00.000Z", // 02:30 CDT
    ]);
    await Promise.all(running.map((s) => s.stop()));
    clock.advanceTo(Date.parse("2026-10-30T12:00:00Z"));
    await prisma.run.updateMany({ where: { heartbeatSlug: { in: [spring, autumn] } }, data: { status: "cancelled" } });
    await prisma.heartbeatState.updateMany({ where: { slug: { in: [spring, autumn] } }, data: { lastTickAt: new Date(clock.now()) } });
    running = [await startScheduler(clock)];
    await runUntil(clock, running, Date.parse("2026-11-03T00:00:00Z"));
    expect((await ticks(autumn)).filter((t) => t.split(" ")[1] >= "2026-10")).toEqual([
      "run 2026-10-31T06:30:00.000Z", // 01:30 CDT
      "skipped 2026-11-01T06:30:00.000Z", // 01:30 CDT, once: not again at 01:30 CST
      "skipped 2026-11-02T07:30:00.000Z", // 01:30 CST
    ]);
  });

  it("skips a tick while the previous run is still going and records it", async () => {
    const slug = uniqueSlug("overlap");
    writePipeline(slug, scheduledPipeline(`  cron: "*/5 * * * *"\n`));
    const clock = new ManualClock(new Date("2026-06-05T10:01:00Z"));
    running.push(await startScheduler(clock));
    await runUntil(clock, running, Date.parse("2026-06-05T10:12:00Z"));
    expect(await ticks(slug)).toEqual(["run 2026-06-05T10:05:00.000Z", "skipped 2026-06-05T10:10:00.000Z"]);
    expect(await prisma.run.count({ where: { heartbeatSlug: slug } })).toBe(1);
    const skipped = await eventsOf(slug, ["skipped"]);
    expect(skipped[0].message).toMatch(/previous run is still going/);
  });

  for (const catchUp of ["one", "none"] as const) {
    it(`records ticks that fell while Switchboard was down as missed, then starts ${catchUp === "one" ? "one catch-up run" : "no run"} (catchUp: ${catchUp})`, async () => {
      const slug = uniqueSlug(`missed-${catchUp}`);
      writePipeline(slug, scheduledPipeline(`  cron: "0 * * * *"\n  catchUp: ${catchUp}\n`));
      const clock = new ManualClock(new Date("2026-06-06T10:00:30Z"));
      const before = await startScheduler(clock);
      await before.stop();
      clock.advanceTo(Date.parse("2026-06-06T14:30:00Z"));
      running.push(await startScheduler(clock));
      const missed = ["11", "12", "13", "14"].map((h) => `missed 2026-06-06T${h}:00:00.000Z`);
      const runs = await prisma.run.findMany({ where: { heartbeatSlug: slug }, select: { trigger: true } });
      if (catchUp === "one") {
        expect(await ticks(slug)).toEqual([...missed, "run 2026-06-06T14:00:00.000Z"]);
        expect(runs.map((r) => r.trigger)).toEqual(["catch-up"]);
      } else {
        expect(await ticks(slug)).toEqual(missed);
        expect(runs).toEqual([]);
      }
    });
  }

  it("starts a tick once when two schedulers (two processes' worth) race for it", async () => {
    const slug = uniqueSlug("race");
    writePipeline(slug, scheduledPipeline(`  cron: "0 * * * *"\n`));
    const clock = new ManualClock(new Date("2026-06-07T09:59:00Z"));
    running.push(await startScheduler(clock), await startScheduler(clock));
    clock.advanceTo(Date.parse("2026-06-07T10:00:00Z"));
    for (const s of running) s.poke();
    await Promise.all(running.map((s) => s.settle()));
    expect(await ticks(slug)).toEqual(["run 2026-06-07T10:00:00.000Z"]);
    expect(await prisma.run.count({ where: { heartbeatSlug: slug } })).toBe(1);
  });

  it("records a run's result as the heartbeat's success or failure, with its duration", async () => {
    const ok = uniqueSlug("ok");
    const bad = uniqueSlug("bad");
    writePipeline(ok, scheduledPipeline(`  cron: "0 * * * *"\n`));
    writePipeline(bad, scheduledPipeline(`  cron: "0 * * * *"\n`, "  - id: boom\n    tool: test/fail\n    args: { message: disk full }\n"));
    const worker = new Worker({ id: uniqueSlug("worker"), runner: new ScriptedRunner(), pollMs: 20, beatMs: 60_000 });
    await worker.start();
    try {
      const clock = new ManualClock(new Date(Date.now() - 30 * 60_000));
      const scheduler = await startScheduler(clock);
      running.push(scheduler);
      const due = new Date(Math.ceil(clock.now() / 3_600_000) * 3_600_000);
      await runUntil(clock, running, due.getTime() + 1000);
      for (const slug of [ok, bad]) {
        const run = await prisma.run.findFirstOrThrow({ where: { heartbeatSlug: slug }, select: { id: true } });
        await waitForRunStatus(run.id, ["succeeded", "failed"]);
      }
      clock.advance(1000);
      scheduler.poke();
      await scheduler.settle();
      const { items } = await listHeartbeatSummaries({ now: new Date(clock.now()) });
      expect(items.find((i) => i.slug === ok)?.status).toBe("up");
      const failing = items.find((i) => i.slug === bad);
      expect(failing?.status).toBe("failing");
      expect(failing?.lastError).toMatch(/disk full/);
      const [result] = await eventsOf(ok, ["success"]);
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      expect((await eventsOf(ok, ["run"]))[0].durationMs).toBe(result.durationMs);
    } finally {
      await worker.stop({ graceMs: 1000 });
    }
  });

  it("records the result of a failed heartbeat run's retry: failing, then up after the retry succeeds", async () => {
    const slug = uniqueSlug("retried");
    writePipeline(slug, scheduledPipeline(`  cron: "0 * * * *"\n`, "  - id: flaky\n    tool: test/echo\n    args: { message: hi }\n"));
    const runner = new ScriptedRunner();
    runner.failNext.add("flaky");
    const worker = new Worker({ id: uniqueSlug("worker"), runner, pollMs: 20, beatMs: 60_000 });
    await worker.start();
    try {
      const clock = new ManualClock(new Date(Date.now() - 30 * 60_000));
      const scheduler = await startScheduler(clock);
      running.push(scheduler);
      const statusNow = async () => (await listHeartbeatSummaries({ now: new Date(clock.now()) })).items.find((i) => i.slug === slug);
      await runUntil(clock, running, Math.ceil(clock.now() / 3_600_000) * 3_600_000 + 1000);
      const run = await prisma.run.findFirstOrThrow({ where: { heartbeatSlug: slug }, select: { id: true } });
      await waitForRunStatus(run.id, ["failed"]);
      clock.advance(1000);
      scheduler.poke();
      await scheduler.settle();
      expect((await statusNow())?.status).toBe("failing");

      await retryRun(run.id, { id: null, label: "tester" });
      await waitForRunStatus(run.id, ["succeeded"]);
      clock.advance(1000);
      scheduler.poke();
      await scheduler.settle();
      expect((await statusNow())?.status).toBe("up");
      expect((await eventsOf(slug, ["success", "fail", "recovered"])).map((e) => [e.kind, e.runId ?? null])).toEqual([
        ["fail", run.id],
        ["success", run.id],
        ["recovered", null],
      ]);
    } finally {
      await worker.stop({ graceMs: 1000 });
    }
  });
});
