import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun, retryRun } from "@/lib/engine/run-control";
import { Worker } from "@/lib/engine/worker";

const workers: Worker[] = [];
async function startTestWorker(runner: ScriptedRunner) {
  const worker = new Worker({ runner, pollMs: 20, leaseMs: 60_000, controlMs: 50 });
  workers.push(worker);
  return worker.start();
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 1_000 })));
});

const stepRunning = (runId: string, stepId: string) => waitFor(() => prisma.runStep.findFirst({ where: { runId, stepId, status: "running" }, select: { id: true } }), undefined, `step ${stepId} running`);

beforeAll(async () => {
  await ensureClient("acme");
  // "wait" blocks until aborted (no test opens the gate): only a cancel or a shutdown ends it
  writePipeline("long", "name: Long\nsteps:\n  - id: wait\n    tool: test/block\n    args: {}\n  - id: after\n    tool: test/echo\n    args: { message: done }\n");
  writePipeline(
    "three",
    "name: Three\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: one }\n  - id: b\n    tool: test/echo\n    args: { message: '{{ steps.a.text }}' }\n  - id: c\n    tool: test/echo\n    args: { message: '{{ steps.b.text }}' }\n",
  );
  writePipeline("two-sleeps", "name: Two sleeps\nsteps:\n  - id: s1\n    tool: test/block\n    args: {}\n  - id: s2\n    tool: test/sleep\n    args: { ms: 20 }\n");
});

describe("cancelRun", () => {
  it("cancels a queued run at once; no worker ever runs it", async () => {
    const id = await queueRun({ pipelineSlug: "three", createdBy: ACTOR });
    expect(await cancelRun(id, ACTOR)).toEqual({ status: "cancelled" });
    // runs are claimed oldest first: once a later run has finished, the worker has passed this one by
    const later = await queueRun({ pipelineSlug: "three", createdBy: ACTOR });
    const runner = new ScriptedRunner();
    await startTestWorker(runner);
    await waitForRunStatus(later, ["succeeded"]);
    expect(runner.calls.filter((c) => c.runId === id)).toEqual([]);
    expect((await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe("cancelled");
    await expect(cancelRun(id, ACTOR)).rejects.toThrow("This run has already ended (cancelled)");
    const audit = await prisma.auditLog.findFirst({ where: { action: "run.cancel", targetId: id }, select: { actorLabel: true } });
    expect(audit?.actorLabel).toBe("Test");
  });

  it("aborts the running tool call of a running run and marks step and run cancelled", async () => {
    await startTestWorker(new ScriptedRunner());
    const id = await queueRun({ pipelineSlug: "long", createdBy: ACTOR });
    await stepRunning(id, "wait");
    // the step never ends by itself, so reaching "cancelled" means the call was aborted
    expect(await cancelRun(id, ACTOR)).toEqual({ status: "cancelling" });
    await waitForRunStatus(id, ["cancelled"]);
    expect((await stepRows(id)).map((s) => [s.stepId, s.status])).toEqual([
      ["wait", "cancelled"],
      ["after", "pending"],
    ]);
  });

  it("notices a cancel requested from another process through the database", async () => {
    await startTestWorker(new ScriptedRunner());
    const id = await queueRun({ pipelineSlug: "long", createdBy: ACTOR });
    await stepRunning(id, "wait");
    await prisma.run.update({ where: { id }, data: { cancelRequested: true } });
    await waitForRunStatus(id, ["cancelled"]);
  });
});

describe("retryRun", () => {
  it("resumes from the failed step: succeeded steps are not run again and every attempt stays", async () => {
    const runner = new ScriptedRunner();
    runner.failNext.add("b");
    await startTestWorker(runner);
    const id = await queueRun({ pipelineSlug: "three", createdBy: ACTOR });
    expect((await waitForRunStatus(id, ["failed"])).error).toMatch(/Step "b" failed: test\/echo returned an error: planned failure of b/);
    await expect(retryRun(id, { id: null, label: "Bob" })).resolves.toEqual({ id });
    await waitForRunStatus(id, ["succeeded"]);
    expect(runner.calls.filter((c) => c.runId === id).map((c) => c.idempotencyKey)).toEqual([`${id}:a:1`, `${id}:b:1`, `${id}:b:2`, `${id}:c:1`]);
    expect((await stepRows(id)).map((s) => [s.stepId, s.attempt, s.status])).toEqual([
      ["a", 1, "succeeded"],
      ["b", 1, "failed"],
      ["b", 2, "succeeded"],
      ["c", 1, "succeeded"],
    ]);
    expect(runner.calls.find((c) => c.runId === id && c.stepId === "c")?.arguments).toEqual({ message: "Echo: Echo: one" });
    await expect(retryRun(id, ACTOR)).rejects.toThrow("Only failed or cancelled runs can be retried; this run is succeeded");
  });

  it("resumes a cancelled run from the cancelled step with a new attempt", async () => {
    const runner = new ScriptedRunner();
    await startTestWorker(runner);
    const id = await queueRun({ pipelineSlug: "long", createdBy: ACTOR });
    await stepRunning(id, "wait");
    await cancelRun(id, ACTOR);
    await waitForRunStatus(id, ["cancelled"]);
    const [first] = await Promise.allSettled([retryRun(id, ACTOR), retryRun(id, ACTOR)]);
    expect(first.status).toBe("fulfilled");
    await stepRunning(id, "wait");
    const rows = await stepRows(id);
    expect(rows.map((s) => [s.stepId, s.attempt, s.status])).toEqual([
      ["wait", 1, "cancelled"],
      ["wait", 2, "running"],
      ["after", 1, "pending"],
    ]);
    await cancelRun(id, ACTOR);
    await waitForRunStatus(id, ["cancelled"]);
  });
});

describe("Worker.stop", () => {
  it("lets a running step finish, then hands the run back to the queue before its next step", async () => {
    const runner = new ScriptedRunner();
    const worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
    const id = await queueRun({ pipelineSlug: "two-sleeps", createdBy: ACTOR });
    await stepRunning(id, "s1");
    // the grace is far longer than the test: stop returns when s1 ends, which is when the gate opens
    const stopped = worker.stop({ graceMs: 120_000 });
    await waitFor(() => worker.isStopping, undefined, "the worker to begin stopping");
    runner.openGate();
    await stopped;
    expect((await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe("queued");
    expect((await stepRows(id)).map((s) => [s.stepId, s.status])).toEqual([
      ["s1", "succeeded"],
      ["s2", "pending"],
    ]);
    await startTestWorker(runner);
    await waitForRunStatus(id, ["succeeded"]);
    expect(runner.calls.filter((c) => c.runId === id).map((c) => c.stepId)).toEqual(["s1", "s2"]);
  });

  it("marks a step still running after the grace period interrupted; a retry reuses its idempotency key", async () => {
    const runner = new ScriptedRunner();
    const worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
    const id = await queueRun({ pipelineSlug: "long", createdBy: ACTOR });
    await stepRunning(id, "wait");
    await worker.stop({ graceMs: 100 });
    const run = await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, error: true, leaseOwner: true } });
    expect(run).toEqual({ status: "failed", error: "Interrupted by shutdown: retry the run to resume from this step", leaseOwner: null });
    const [step] = await stepRows(id);
    expect(step).toMatchObject({ status: "failed", error: "Interrupted by shutdown", outputJson: '{"interrupted":true}' });
    expect(await prisma.workerBeat.count({ where: { id: worker.id } })).toBe(0);

    await retryRun(id, ACTOR);
    await startTestWorker(runner);
    await stepRunning(id, "wait");
    const keys = runner.calls.filter((c) => c.runId === id).map((c) => [c.attempt, c.idempotencyKey]);
    expect(keys).toEqual([
      [1, `${id}:wait:1`],
      [2, `${id}:wait:1`],
    ]);
    await cancelRun(id, ACTOR);
    await waitForRunStatus(id, ["cancelled"]);
  });
});
