// The overlap rule and a run that waits for a human: by default (overlap: skip) a run waiting for an
// approval is still going and the next tick is skipped; with `overlap: skip-while-running` only a queued
// or running run blocks, so an hourly drafter is not stopped by a draft nobody has approved yet.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { writePipeline } from "@/lib/testing/engine";
import { ManualClock } from "@/lib/heartbeats/clock";
import { runHeartbeatNow } from "@/lib/heartbeats/control";
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
