// A heartbeat run's result is recorded however many of its runs (or other heartbeats' runs) are left
// waiting: the open run events are read joined to their finished runs, before the limit.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { writePipeline } from "@/lib/testing/engine";
import { ManualClock } from "@/lib/heartbeats/clock";
import { RUN_RESULTS_PER_LOOK } from "@/lib/heartbeats/run-results";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, scheduledPipeline, startScheduler, stateOf, uniqueSlug } from "@/lib/testing/heartbeats";

let running: HeartbeatScheduler[] = [];
beforeEach(() => clearWorkspace());
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});

describe("recording heartbeat run results", () => {
  it("records a finished run's result behind more than the limit of runs left waiting", async () => {
    const waiting = uniqueSlug("drafter");
    const done = uniqueSlug("nightly");
    writePipeline(waiting, scheduledPipeline(`  cron: "0 0 1 1 *"\n`));
    writePipeline(done, scheduledPipeline(`  cron: "0 0 1 1 *"\n`));
    const clock = new ManualClock(new Date("2026-06-10T09:00:00Z"));
    const scheduler = await startScheduler(clock);
    running.push(scheduler);
    const [drafter, nightly] = [await stateOf(waiting), await stateOf(done)];
    const base = { pipelineName: "Scheduled", pipelineJson: "{}", trigger: "schedule", createdAt: new Date("2026-06-01T09:00:00Z") };
    // the first runs linked to heartbeats wait for an approval nobody gives (a holiday)
    const stuck = Array.from({ length: RUN_RESULTS_PER_LOOK + 5 }, (_, i) => ({ ...base, id: `stuck-${drafter.id}-${i}`, pipelineSlug: waiting, heartbeatSlug: waiting, status: "waiting" }));
    await prisma.run.createMany({ data: stuck });
    await prisma.heartbeatEvent.createMany({ data: stuck.map((r, i) => ({ heartbeatId: drafter.id, kind: "run", at: new Date(base.createdAt.getTime() + i * 1000), runId: r.id, message: "schedule" })) });
    // then another heartbeat's run finishes
    const finishedAt = new Date("2026-06-10T08:30:00Z");
    await prisma.run.create({ data: { ...base, id: `done-${nightly.id}`, pipelineSlug: done, heartbeatSlug: done, status: "succeeded", startedAt: new Date("2026-06-10T08:00:00Z"), finishedAt } });
    await prisma.heartbeatEvent.create({ data: { heartbeatId: nightly.id, kind: "run", at: new Date("2026-06-10T08:00:00Z"), runId: `done-${nightly.id}`, message: "schedule" } });

    clock.advance(1000);
    scheduler.poke();
    await scheduler.settle();
    const [success] = await eventsOf(done, ["success"]);
    expect(success).toMatchObject({ runId: `done-${nightly.id}`, durationMs: 30 * 60_000 });
    expect((await eventsOf(done, ["run"]))[0].durationMs).toBe(30 * 60_000);
    expect((await stateOf(done)).lastSuccessAt?.toISOString()).toBe(finishedAt.toISOString());
    // the waiting runs stay open
    expect(await prisma.heartbeatEvent.count({ where: { heartbeatId: drafter.id, kind: "run", durationMs: null } })).toBe(stuck.length);
  });
});
