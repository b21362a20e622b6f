// One run, one executor. A worker that misses its lease renewals for longer than the lease (the host slept,
// its event loop was blocked) still executes its run; recovery (its own, or another process's) must not
// end up with two executors of that run, the old one going on to the next step with a discarded answer.
// Each claim holds its run under its own lease holder, so a superseded executor's renewals and writes
// fail and it stops; and a worker's own recovery leaves the runs it executes to their executors.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { queueRun } from "@/lib/engine/queue-run";
import { recoverInterruptedRuns } from "@/lib/engine/recovery";
import { Worker } from "@/lib/engine/worker";
import { ACTOR, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";

const workers: Worker[] = [];
const triggers: string[] = [];

afterEach(async () => {
  for (const name of triggers.splice(0)) await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${name}"`);
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
});

beforeAll(() => {
  writePipeline("held-then-publish", "name: Held then publish\nsteps:\n  - id: one\n    tool: test/block\n  - id: publish\n    tool: test/echo\n    args: { message: '{{ steps.one.text }}' }\n");
});

async function startWorker(runner: ScriptedRunner, leaseMs: number): Promise<Worker> {
  await prisma.run.updateMany({ where: { status: { in: ["queued", "running", "waiting"] } }, data: { status: "cancelled", leaseOwner: null, leaseExpiresAt: null } });
  const worker = new Worker({ runner, pollMs: 20, leaseMs, concurrency: 2 });
  workers.push(worker);
  return worker.start();
}

const callsOf = (runner: ScriptedRunner, stepId: string) => runner.calls.filter((c) => c.stepId === stepId);

describe("a worker whose lease ran out while it executed the run", () => {
  it("is left the run by its own recovery: no second executor, the next step runs once", async () => {
    const runner = new ScriptedRunner();
    // a short lease: this worker's recovery passes come every second
    const worker = await startWorker(runner, 1_000);
    const id = await queueRun({ pipelineSlug: "held-then-publish", createdBy: ACTOR });
    await waitFor(() => callsOf(runner, "one").length === 1, undefined, "step one to be called");

    // the worker misses its renewals (as when the host sleeps): every renewal lands on an expired lease
    const trigger = `lease_stays_expired_${id}`;
    triggers.push(trigger);
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER "${trigger}" AFTER UPDATE OF "leaseExpiresAt" ON "Run" WHEN NEW."id" = '${id}' AND NEW."status" = 'running'
      BEGIN UPDATE "Run" SET "leaseExpiresAt" = '2000-01-01T00:00:00.000+00:00' WHERE "id" = NEW."id"; END`,
    );
    await prisma.run.update({ where: { id }, data: { leaseExpiresAt: new Date(0) } });
    // a run of a dead worker, newer than ours: a recovery pass that resumes it saw ours expired too
    const dead = await prisma.run.create({
      data: { pipelineSlug: "gone", pipelineName: "Gone", pipelineJson: "{}", status: "running", leaseOwner: "dead-worker", leaseExpiresAt: new Date(Date.now() - 1_000) },
      select: { id: true },
    });
    await waitFor(() => prisma.runEvent.findFirst({ where: { runId: dead.id, message: { startsWith: "Resumed" } } }), undefined, "the worker's recovery pass");

    // the run stayed with its executor: nothing was interrupted or requeued, nothing was called twice
    expect((await stepRows(id)).map((s) => [s.stepId, s.attempt, s.status])).toEqual([
      ["one", 1, "running"],
      ["publish", 1, "pending"],
    ]);
    const run = await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, leaseOwner: true } });
    expect(run.status).toBe("running");
    expect(run.leaseOwner?.startsWith(`${worker.id}:`)).toBe(true);
    expect(worker.activeRunIds).toContain(id);

    await prisma.$executeRawUnsafe(`DROP TRIGGER "${trigger}"`);
    runner.openGate();
    await waitForRunStatus(id, ["succeeded"]);
    expect(callsOf(runner, "one")).toHaveLength(1);
    expect(callsOf(runner, "publish")).toHaveLength(1);
    expect(runner.maxActive).toBe(1);
  });

  it("stops when another process requeued the run and this worker claimed it again: the new claim runs it, the next step once", async () => {
    const runner = new ScriptedRunner();
    // a long lease: the worker renews nothing during the test, as one whose event loop is blocked
    const worker = await startWorker(runner, 600_000);
    const id = await queueRun({ pipelineSlug: "held-then-publish", createdBy: ACTOR });
    await waitFor(() => callsOf(runner, "one").length === 1, undefined, "step one to be called");
    const firstClaim = (await prisma.run.findUniqueOrThrow({ where: { id }, select: { leaseOwner: true } })).leaseOwner;

    // another process's recovery, later than the lease: it takes the run over and requeues it
    const report = await recoverInterruptedRuns({ recoverer: "another-process", leaseMs: 600_000, now: new Date(Date.now() + 700_000) });
    expect(report.resumed).toContain(id);

    // this worker claims it again; the first claim's executor stops before the new one calls step one
    await waitFor(() => callsOf(runner, "one").length === 2, undefined, "the new claim to call step one again");
    expect(runner.maxActive).toBe(1);
    const run = await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, leaseOwner: true } });
    expect(run.status).toBe("running");
    expect(run.leaseOwner?.startsWith(`${worker.id}:`)).toBe(true);
    expect(run.leaseOwner).not.toBe(firstClaim);

    runner.openGate();
    await waitForRunStatus(id, ["succeeded"]);
    await waitFor(() => !worker.activeRunIds.includes(id), undefined, "the worker to let the run go");
    expect(callsOf(runner, "publish")).toHaveLength(1);
    expect(runner.maxActive).toBe(1);
    expect((await stepRows(id)).map((s) => [s.stepId, s.attempt, s.status, s.outputJson])).toEqual([
      ["one", 1, "failed", '{"interrupted":true}'],
      ["one", 2, "succeeded", expect.any(String)],
      ["publish", 1, "succeeded", expect.any(String)],
    ]);
  });
});
