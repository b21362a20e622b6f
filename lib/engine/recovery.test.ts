import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { claimNextRun } from "@/lib/engine/run-transitions";
import { ACTOR, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";
import { MAX_AUTO_RESUMES, recoverInterruptedRuns } from "@/lib/engine/recovery";
import { cancelRun, resolveUnknownOutcome, retryRun } from "@/lib/engine/run-control";
import { OutcomeUnknownStepError, type ToolStepRequest, type ToolStepResult } from "@/lib/engine/tool-step-runner";
import { Worker } from "@/lib/engine/worker";

const workers: Worker[] = [];
async function startTestWorker(runner: ScriptedRunner) {
  const worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
  workers.push(worker);
  return worker;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 1_000 })));
});

beforeAll(() => {
  writePipeline("pair", "name: Pair\nsteps:\n  - id: s1\n    tool: test/echo\n    args: { message: one }\n  - id: s2\n    tool: test/echo\n    args: { message: two }\n");
  writePipeline("publish", "name: Publish\nsteps:\n  - id: post\n    tool: test/echo\n    args: { message: post }\n  - id: after\n    tool: test/echo\n    args: { message: after }\n");
});

/** Queues a run and leaves it as a dead worker would: claimed, its first step running, the lease expired. */
async function orphanedRun(pipelineSlug = "pair"): Promise<string> {
  await prisma.run.updateMany({ where: { status: "queued" }, data: { status: "cancelled" } });
  const id = await queueRun({ pipelineSlug, createdBy: ACTOR });
  expect(await claimNextRun("dead-worker", 10_000)).toBe(id);
  const first = await prisma.runStep.findFirstOrThrow({ where: { runId: id, status: "pending" }, orderBy: [{ position: "asc" }, { attempt: "desc" }], select: { id: true } });
  await prisma.runStep.update({ where: { id: first.id }, data: { status: "running", startedAt: new Date() } });
  await prisma.run.update({ where: { id }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
  return id;
}

describe("recoverInterruptedRuns", () => {
  it("leaves runs with a live lease alone", async () => {
    const id = await orphanedRun();
    await prisma.run.update({ where: { id }, data: { leaseExpiresAt: new Date(Date.now() + 60_000) } });
    expect(await recoverInterruptedRuns()).toEqual({ resumed: [], failed: [], cancelled: [] });
    await prisma.run.update({ where: { id }, data: { status: "cancelled" } });
  });

  it("resumes an orphaned run once even with concurrent recoverers", async () => {
    const id = await orphanedRun();
    const reports = await Promise.all(Array.from({ length: 5 }, (_, i) => recoverInterruptedRuns({ recoverer: `r${i}` })));
    expect(reports.flatMap((r) => r.resumed)).toEqual([id]);
    expect((await stepRows(id)).map((s) => [s.stepId, s.attempt, s.status, s.outputJson])).toEqual([
      ["s1", 1, "failed", '{"interrupted":true}'],
      ["s1", 2, "pending", null],
      ["s2", 1, "pending", null],
    ]);
    expect(await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, leaseOwner: true } })).toEqual({ status: "queued", leaseOwner: null });
  });

  it("cancels an orphaned run whose cancel was requested while its worker was dead", async () => {
    const id = await orphanedRun();
    expect(await cancelRun(id, ACTOR)).toEqual({ status: "cancelling" });
    expect(await recoverInterruptedRuns()).toEqual({ resumed: [], failed: [], cancelled: [id] });
    expect((await stepRows(id)).map((s) => s.status)).toEqual(["cancelled", "pending"]);
    expect((await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe("cancelled");
  });

  it(`fails a run interrupted ${MAX_AUTO_RESUMES} times in the same step, offering retry`, async () => {
    const id = await orphanedRun();
    for (let i = 1; i < MAX_AUTO_RESUMES; i++) {
      expect((await recoverInterruptedRuns()).resumed).toEqual([id]);
      expect(await claimNextRun("dead-worker", 10_000)).toBe(id);
      const next = await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "s1", status: "pending" }, select: { id: true } });
      await prisma.runStep.update({ where: { id: next.id }, data: { status: "running" } });
      await prisma.run.update({ where: { id }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
    }
    expect(await recoverInterruptedRuns()).toEqual({ resumed: [], failed: [id], cancelled: [] });
    const run = await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, error: true } });
    expect(run).toEqual({ status: "failed", error: `Interrupted: the worker stopped during step "s1" ${MAX_AUTO_RESUMES} times. Retry to resume from that step.` });
    await retryRun(id, ACTOR);
    const runner = new ScriptedRunner();
    await startTestWorker(runner);
    await waitForRunStatus(id, ["succeeded"]);
    // every attempt so far was interrupted, so the call keeps the first attempt's key
    expect(runner.calls.map((c) => [c.stepId, c.attempt, c.idempotencyKey])).toEqual([
      ["s1", MAX_AUTO_RESUMES + 1, `${id}:s1:1`],
      ["s2", 1, `${id}:s2:1`],
    ]);
  });
});

describe("outcome unknown", () => {
  class UnknownOnceRunner extends ScriptedRunner {
    private thrown = false;
    override runTool(req: ToolStepRequest): Promise<ToolStepResult> {
      if (req.stepId === "post" && !this.thrown) {
        this.thrown = true;
        this.calls.push({ ...req });
        return Promise.reject(new OutcomeUnknownStepError("started but not finished"));
      }
      return super.runTool(req);
    }
  }

  it("waits for a human, who can send the call again with a new key", async () => {
    const runner = new UnknownOnceRunner();
    await startTestWorker(runner);
    const id = await queueRun({ pipelineSlug: "publish", createdBy: ACTOR });
    const run = await waitForRunStatus(id, ["waiting"]);
    expect(run.error).toMatch(/^Step "post": Outcome unknown: test\/echo was sent earlier and no answer was recorded/);
    const [post] = await stepRows(id);
    expect(post).toMatchObject({ status: "waiting", outputJson: JSON.stringify({ outcomeUnknown: true, idempotencyKey: `${id}:post:1` }) });
    await expect(resolveUnknownOutcome({ runId: id, stepId: "after", action: "retry", actor: ACTOR })).rejects.toThrow("not waiting for a decision");
    expect(await resolveUnknownOutcome({ runId: id, stepId: "post", action: "retry", actor: ACTOR })).toEqual({ resolved: true });
    await waitForRunStatus(id, ["succeeded"]);
    expect(runner.calls.filter((c) => c.runId === id).map((c) => [c.stepId, c.idempotencyKey])).toEqual([
      ["post", `${id}:post:1`],
      ["post", `${id}:post:2`],
      ["after", `${id}:after:1`],
    ]);
  });

  it("or skip the step; the run continues without sending it", async () => {
    const runner = new UnknownOnceRunner();
    await startTestWorker(runner);
    const id = await queueRun({ pipelineSlug: "publish", createdBy: ACTOR });
    await waitForRunStatus(id, ["waiting"]);
    const decisions = await Promise.all([
      resolveUnknownOutcome({ runId: id, stepId: "post", action: "skip", actor: ACTOR }),
      resolveUnknownOutcome({ runId: id, stepId: "post", action: "skip", actor: ACTOR }).catch(() => ({ resolved: false })),
    ]);
    expect(decisions.filter((d) => d.resolved)).toHaveLength(1);
    await waitForRunStatus(id, ["succeeded"]);
    expect((await stepRows(id)).map((s) => [s.stepId, s.status])).toEqual([
      ["post", "skipped"],
      ["after", "succeeded"],
    ]);
    expect(runner.calls.filter((c) => c.runId === id).map((c) => c.stepId)).toEqual(["post", "after"]);
  });
});
