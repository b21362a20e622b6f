// HeartbeatEvent stays bounded: the scheduler prunes each heartbeat to its newest EVENTS_KEPT events (at
// most every PRUNE_EVERY_MS), keeping the strip's results, the newest event of each kind and the event of
// a run not yet finished.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ManualClock } from "@/lib/heartbeats/clock";
import { RESULTS_STRIP } from "@/lib/heartbeats/heartbeats.schema";
import { EVENTS_KEPT, PRUNE_EVERY_MS } from "@/lib/heartbeats/prune";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, startScheduler, stateOf, uniqueSlug, writeHeartbeatsYaml } from "@/lib/testing/heartbeats";

let running: HeartbeatScheduler[] = [];
beforeEach(() => clearWorkspace());
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});

describe("pruning heartbeat events", () => {
  it("keeps a heartbeat's newest events, the strip's results, the newest of each kind and an open run's event, at most every few minutes", async () => {
    const slug = uniqueSlug("chatty");
    writeHeartbeatsYaml(`- slug: ${slug}\n  name: Chatty\n  every: 1m\n`);
    const clock = new ManualClock(new Date("2026-06-14T12:00:00Z"));
    const scheduler = await startScheduler(clock);
    running.push(scheduler);
    const { id: heartbeatId } = await stateOf(slug);
    const base = { pipelineName: "Chatty", pipelineJson: "{}", pipelineSlug: slug, heartbeatSlug: slug, trigger: "schedule" };
    await prisma.run.createMany({
      data: [
        { ...base, id: `closed-${heartbeatId}`, status: "succeeded" },
        { ...base, id: `open-${heartbeatId}`, status: "waiting" },
      ],
    });
    let second = 0;
    const event = (kind: string, extra: { runId?: string; durationMs?: number } = {}) => ({ heartbeatId, kind, at: new Date(Date.parse("2026-06-13T00:00:00Z") + second++ * 1000), ...extra });
    const old = [
      event("run", { runId: `closed-${heartbeatId}`, durationMs: 1000 }), // its result recorded: may go
      event("run", { runId: `open-${heartbeatId}` }), // its run waits for an approval: stays
      event("late"), // the newest of its kind: stays
      event("alert"),
      event("alert"), // the newest alert stays, the one before goes
    ];
    const results = Array.from({ length: RESULTS_STRIP + 10 }, () => event("success"));
    // then a flood of /start pings, more than a heartbeat keeps
    const starts = Array.from({ length: EVENTS_KEPT + 100 }, () => event("start"));
    await prisma.heartbeatEvent.createMany({ data: [...old, ...results, ...starts] });
    const kinds = async () => (await eventsOf(slug)).map((e) => e.kind);

    clock.advance(PRUNE_EVERY_MS);
    scheduler.poke();
    await scheduler.settle();
    const kept = await eventsOf(slug);
    expect(kept).toHaveLength(EVENTS_KEPT + RESULTS_STRIP + 3);
    expect(kept.slice(0, 3).map((e) => [e.kind, e.runId])).toEqual([
      ["run", `open-${heartbeatId}`],
      ["late", null],
      ["alert", null],
    ]);
    expect(kept[2].at.toISOString()).toBe(old[4].at.toISOString());
    expect(kept.filter((e) => e.kind === "success").map((e) => e.at.toISOString())).toEqual(results.slice(-RESULTS_STRIP).map((e) => e.at.toISOString()));
    expect(kept.filter((e) => e.kind === "start").map((e) => e.at.toISOString())).toEqual(starts.slice(-EVENTS_KEPT).map((e) => e.at.toISOString()));

    // at most every PRUNE_EVERY_MS: ten more a minute later stay until the next prune
    await prisma.heartbeatEvent.createMany({ data: Array.from({ length: 10 }, () => event("start")) });
    clock.advance(60_000);
    scheduler.poke();
    await scheduler.settle();
    expect(await kinds()).toHaveLength(EVENTS_KEPT + RESULTS_STRIP + 13);
    clock.advance(PRUNE_EVERY_MS);
    scheduler.poke();
    await scheduler.settle();
    expect(await kinds()).toHaveLength(EVENTS_KEPT + RESULTS_STRIP + 3);
  });
});
