// The overlap rule and a run that waits for a human: by default (overlap: skip) a run waiting for an
// approval is still going and the next tick is skipped; with `overlap: skip-while-running` only a queued
// or running run blocks, so an hourly drafter is not stopped by a draft nobody has approved yet. A tick still
// in its `when:` precondition (a slow tool) when the next one falls: only one of them starts a run.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { writePipeline } from "@/lib/testing/engine";
import { ManualClock } from "@/lib/heartbeats/clock";
import { runHeartbeatNow } from "@/lib/heartbeats/control";
import type { PreconditionCaller } from "@/lib/heartbeats/precondition";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, runUntil, scheduledPipeline, startScheduler, uniqueSlug } from "@/lib/testing/heartbeats";

let running: HeartbeatScheduler[] = [];
beforeEach(() => clearWorkspace());
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});

const ticks = async (slug: string) => (await eventsOf(slug, ["run", "skipped"])).map((e) => `${e.kind} ${e.dueAt?.toISOString().slice(11, 16)}`);

describe("overlap with a run waiting for approval", () => {
  for (const overlap of ["skip", "skip-while-running"] as const) {
    it(`overlap: ${overlap}: a queued run blocks the next tick; a run waiting for a human ${overlap === "skip" ? "blocks it too" : "does not"}`, async () => {
      const slug = uniqueSlug(`wait-${overlap}`);
      writePipeline(slug, scheduledPipeline(`  cron: "*/5 * * * *"\n  overlap: ${overlap}\n`));
      const clock = new ManualClock(new Date("2026-06-09T10:01:00Z"));
      running.push(await startScheduler(clock));
      // no worker: the 10:05 run stays queued, so 10:10 is skipped either way
      await runUntil(clock, running, Date.parse("2026-06-09T10:12:00Z"));
      expect(await ticks(slug)).toEqual(["run 10:05", "skipped 10:10"]);
      // the run reaches its approval step and waits for a human
      await prisma.run.updateMany({ where: { heartbeatSlug: slug }, data: { status: "waiting" } });
      await runUntil(clock, running, Date.parse("2026-06-09T10:16:00Z"));
      const runs = await prisma.run.count({ where: { heartbeatSlug: slug } });
      if (overlap === "skip") {
        expect(await ticks(slug)).toEqual(["run 10:05", "skipped 10:10", "skipped 10:15"]);
        expect(runs).toBe(1);
        await expect(runHeartbeatNow(slug, { id: null, label: "Test" })).rejects.toThrow(/still running/);
      } else {
        expect(await ticks(slug)).toEqual(["run 10:05", "skipped 10:10", "run 10:15"]);
        expect(runs).toBe(2);
      }
    });
  }

  it("refuses an unknown overlap policy with the place and the choices", async () => {
    const { parsePipelineText } = await import("@/lib/pipelines/load-pipelines");
    const entry = parsePipelineText("bad-overlap", scheduledPipeline(`  cron: "0 * * * *"\n  overlap: queue\n`));
    expect(entry.valid).toBe(false);
    expect(entry.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([expect.stringMatching(/^schedule\.overlap: expected one of skip, skip-while-running/)]);
  });
});

/** A `when:` tool stand-in: its first call takes `firstMs` of the hand-driven clock; later calls find work at once. */
function slowPrecondition(clock: ManualClock, firstMs: number) {
  let calls = 0;
  let called: () => void = () => undefined;
  const firstCalled = new Promise<void>((resolve) => (called = resolve));
  const caller: PreconditionCaller = async () => {
    calls += 1;
    if (calls === 1) {
      called();
      await new Promise<void>((resolve) => clock.setTimer(resolve, firstMs));
    }
    return { empty: false };
  };
  return { caller, firstCalled, calls: () => calls };
}

/** Waits for the scheduler's passes and the ticks they start, except those already in flight in `held` (a tick held in its precondition). */
async function settleAllBut(scheduler: HeartbeatScheduler, held: Set<Promise<void>>): Promise<void> {
  const internals = scheduler as unknown as { chain: Promise<void>; inflight: Set<Promise<void>> };
  for (;;) {
    const chain = internals.chain;
    await chain;
    const others = [...internals.inflight].filter((p) => !held.has(p));
    await Promise.all(others);
    if (chain === internals.chain && others.length === 0) return;
  }
}

const inFlight = (scheduler: HeartbeatScheduler) => new Set((scheduler as unknown as { inflight: Set<Promise<void>> }).inflight);

describe("overlap with a slow when: precondition", () => {
  const schedule = `  cron: "*/2 * * * *"\n  when: { tool: inbox/list_new, args: {} }\n`;

  it("skips the next tick while the previous one is still in its precondition (one process)", async () => {
    const slug = uniqueSlug("slow-when");
    writePipeline(slug, scheduledPipeline(schedule));
    const clock = new ManualClock(new Date("2026-06-13T10:01:00Z"));
    const when = slowPrecondition(clock, 150_000);
    const scheduler = await startScheduler(clock, { precondition: when.caller });
    running.push(scheduler);
    clock.advanceTo(Date.parse("2026-06-13T10:02:00Z"));
    await when.firstCalled; // the 10:02 tick is in its precondition until 10:04:30
    const held = inFlight(scheduler);
    clock.advanceTo(Date.parse("2026-06-13T10:04:00Z"));
    await settleAllBut(scheduler, held);
    clock.advanceTo(Date.parse("2026-06-13T10:04:30Z"));
    await scheduler.settle();
    expect((await ticks(slug)).sort()).toEqual(["run 10:02", "skipped 10:04"]);
    expect((await eventsOf(slug, ["skipped"]))[0].message).toMatch(/previous tick is still going/);
    expect(when.calls()).toBe(1);
    expect(await prisma.run.count({ where: { heartbeatSlug: slug } })).toBe(1);
  });

  it("skips a tick whose precondition ended after another process started the next tick's run", async () => {
    const slug = uniqueSlug("slow-when-2");
    writePipeline(slug, scheduledPipeline(schedule));
    const clock = new ManualClock(new Date("2026-06-13T10:01:00Z"));
    const slow = slowPrecondition(clock, 150_000);
    const first = await startScheduler(clock, { precondition: slow.caller });
    clock.advanceTo(Date.parse("2026-06-13T10:02:00Z"));
    await slow.firstCalled;
    // the first process takes no more ticks (it is shutting down) while its 10:02 tick waits on the tool
    const stopped = first.stop();
    const second = await startScheduler(clock, { precondition: async () => ({ empty: false }) });
    running.push(second);
    await runUntil(clock, [second], Date.parse("2026-06-13T10:04:00Z"));
    expect(await ticks(slug)).toEqual(["run 10:04"]);
    clock.advanceTo(Date.parse("2026-06-13T10:04:30Z"));
    await stopped;
    expect((await ticks(slug)).sort()).toEqual(["run 10:04", "skipped 10:02"]);
    expect(await prisma.run.count({ where: { heartbeatSlug: slug } })).toBe(1);
  });
});
