// The run's transitions are conditional on the lease: a holder whose lease was taken (another worker or a
// recoverer holds the run now) can neither end, interrupt, park nor requeue it, and writes none of its
// steps or events; the holder that took it over can.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma, writeTransaction } from "@/lib/db/client";
import { queueRun } from "@/lib/engine/queue-run";
import { claimNextRun, endRun, endRunNow, interruptRun, parkRun, requeueRun } from "@/lib/engine/run-transitions";
import type { ToolStepRequest, ToolStepResult } from "@/lib/engine/tool-step-runner";
import { Worker } from "@/lib/engine/worker";
import { ACTOR, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";

beforeAll(() => {
  writePipeline("held", "name: Held\nsteps:\n  - id: one\n    tool: test/block\n  - id: two\n    tool: test/echo\n    args: { message: two }\n");
});

/** A run claimed by `first`, its first step running, then taken over by `second` (as a recoverer would). */
async function takenRun(first: string, second: string): Promise<string> {
  await prisma.run.updateMany({ where: { status: "queued" }, data: { status: "cancelled" } });
  const id = await queueRun({ pipelineSlug: "held", createdBy: ACTOR });
  expect(await claimNextRun(first, 60_000)).toBe(id);
  const step = await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "one" }, select: { id: true } });
  await prisma.runStep.update({ where: { id: step.id }, data: { status: "running", startedAt: new Date() } });
  await prisma.run.update({ where: { id }, data: { leaseOwner: second } });
  return id;
}

async function snapshot(runId: string) {
  const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, error: true, leaseOwner: true, finishedAt: true } });
  const events = await prisma.runEvent.count({ where: { runId } });
  return { run, steps: await stepRows(runId), events };
}

describe("run transitions under a lease", () => {
  it("a holder whose lease was taken cannot end, interrupt, park or requeue the run", async () => {
    const id = await takenRun("old-worker", "new-worker");
    const before = await snapshot(id);
    const step = before.steps[0];
    expect(await endRunNow(id, "old-worker", { status: "failed", message: "x", error: "x", runningSteps: { status: "failed", error: "x" } })).toBe(false);
    expect(await endRunNow(id, "old-worker", { status: "succeeded", message: "x", error: null })).toBe(false);
    expect(await interruptRun(id, "old-worker", "Interrupted by shutdown")).toBe(false);
    expect(await writeTransaction((db) => requeueRun(db, id, "old-worker", "x", { interruptedSteps: "x" }))).toBe(false);
    expect(await writeTransaction((db) => parkRun(db, id, "old-worker", "x", "x", step.id))).toBe(false);
    expect(await snapshot(id)).toEqual(before);
  });

  it("the holder that took it over can", async () => {
    const id = await takenRun("old-worker", "new-worker");
    expect(await writeTransaction((db) => requeueRun(db, id, "new-worker", "Resumed", { interruptedSteps: "Interrupted" }))).toBe(true);
    expect((await stepRows(id)).map((s) => [s.stepId, s.attempt, s.status, s.outputJson])).toEqual([
      ["one", 1, "failed", '{"interrupted":true}'],
      ["one", 2, "pending", null],
      ["two", 1, "pending", null],
    ]);
    expect(await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, leaseOwner: true } })).toEqual({ status: "queued", leaseOwner: null });

    const ended = await takenRun("old-worker", "new-worker");
    expect(await writeTransaction((db) => endRun(db, ended, "new-worker", { status: "cancelled", message: "Cancelled", error: null, runningSteps: { status: "cancelled", error: "Cancelled" } }))).toBe(true);
    expect((await snapshot(ended)).run).toMatchObject({ status: "cancelled", leaseOwner: null });
    expect((await stepRows(ended))[0]).toMatchObject({ status: "cancelled", error: "Cancelled" });
    // ended, it is no one's: a second end changes nothing
    expect(await interruptRun(ended, "new-worker", "Interrupted by shutdown")).toBe(false);
  });
});

describe("a worker that lost its lease", () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
  });

  it("does not mark the new holder's running step interrupted when it shuts down", async () => {
    await prisma.run.updateMany({ where: { status: "queued" }, data: { status: "cancelled" } });
    const runner = new ScriptedRunner();
    // a long lease: the worker does not notice the takeover by itself before it stops
    const worker = await new Worker({ runner, pollMs: 20, leaseMs: 600_000 }).start();
    workers.push(worker);
    const id = await queueRun({ pipelineSlug: "held", createdBy: ACTOR });
    await waitFor(async () => (await stepRows(id))[0]?.status === "running", undefined, "the blocking step to run");
    await prisma.run.update({ where: { id }, data: { leaseOwner: "new-worker" } });
    const before = await snapshot(id);

    await worker.stop({ graceMs: 0 });
    workers.splice(0);
    expect(await snapshot(id)).toEqual(before);
    expect(before.run.status).toBe("running");
    expect(before.steps[0].status).toBe("running");

    // the new holder ends it; the run is then no one's to touch
    expect(await interruptRun(id, "new-worker", "Interrupted by shutdown")).toBe(true);
    await waitForRunStatus(id, ["failed"]);
    runner.openGate();
  });
});

describe("a step's start, committed by the runner with its call", () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
  });

  it("is refused when the run's lease was taken just before: the call is never made and the step stays pending", async () => {
    await prisma.run.updateMany({ where: { status: "queued" }, data: { status: "cancelled" } });
    // the lease is taken in the moment between the worker's last check and the runner's start
    class TakenBeforeStart extends ScriptedRunner {
      override async runTool(req: ToolStepRequest): Promise<ToolStepResult> {
        await prisma.run.update({ where: { id: req.runId }, data: { leaseOwner: "thief" } });
        return super.runTool(req);
      }
    }
    const runner = new TakenBeforeStart();
    const worker = await new Worker({ runner, pollMs: 20, leaseMs: 600_000 }).start();
    workers.push(worker);
    const id = await queueRun({ pipelineSlug: "held", createdBy: ACTOR });
    await waitFor(async () => !worker.activeRunIds.includes(id) && (await prisma.run.findUniqueOrThrow({ where: { id }, select: { leaseOwner: true } })).leaseOwner === "thief", undefined, "the worker to let the run go");
    expect(runner.calls).toEqual([]);
    expect((await stepRows(id)).map((s) => [s.stepId, s.status])).toEqual([
      ["one", "pending"],
      ["two", "pending"],
    ]);
    expect(await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, leaseOwner: true } })).toEqual({ status: "running", leaseOwner: "thief" });
    await prisma.run.update({ where: { id }, data: { status: "cancelled", leaseOwner: null } });
  });
});
