// A cancel that meets a run as it starts to wait (an approval step opening its draft, a step parking as
// outcome unknown or for input) is neither lost nor refused: the run ends cancelled. cancelRun sees the
// run running and sets cancelRequested, and the wait then refuses to commit; or the wait commits between
// cancelRun's two looks, and cancelRun looks again and cancels the waiting run.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun } from "@/lib/engine/run-control";
import type { ToolStepRequest, ToolStepResult } from "@/lib/engine/tool-step-runner";
import { Worker } from "@/lib/engine/worker";
import { ACTOR, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";

const workers: Worker[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
});

beforeAll(() => {
  writePipeline(
    "held-review",
    "name: Held review\nsteps:\n  - id: one\n    tool: test/block\n  - id: review\n    approval: { title: 'Report', body: '{{ steps.one.text }}' }\n  - id: publish\n    tool: test/echo\n    args: { message: '{{ steps.review.body }}' }\n",
  );
  writePipeline("unsure", "name: Unsure\nsteps:\n  - id: post\n    tool: test/unsure\n    on_error: outcome-unknown\n  - id: publish\n    tool: test/echo\n    args: { message: x }\n");
  writePipeline("asks", "name: Asks\nsteps:\n  - id: ask\n    tool: test/ask\n  - id: publish\n    tool: test/echo\n    args: { message: x }\n");
});

/**
 * "unsure" answers with an error of unknown outcome, "ask" asks for input (input_required); each after a
 * cancel from another process (the web server) landed while the call ran: cancelRequested is set, and
 * this worker's abort comes only at its next control read (far away here), so the step's end comes first.
 */
class CancelledFromElsewhere extends ScriptedRunner {
  override async runTool(req: ToolStepRequest): Promise<ToolStepResult> {
    if (req.tool !== "unsure" && req.tool !== "ask") return super.runTool(req);
    const started = await super.runTool({ ...req, tool: "echo", arguments: { message: "sent" } });
    await prisma.run.update({ where: { id: req.runId }, data: { cancelRequested: true } });
    if (req.tool === "unsure") return { ...started, isError: true, outcomeUnknown: true, content: [{ type: "text", text: "connection dropped" }] };
    return { ...started, inputRequired: { message: "Which one?", requestedSchema: { type: "object", properties: { name: { type: "string" } } }, key: "q", inputRequests: {} } };
  }
}

async function startWorker(runner: ScriptedRunner, options: { leaseMs?: number; controlMs?: number } = {}): Promise<Worker> {
  await prisma.run.updateMany({ where: { status: { in: ["queued", "running", "waiting"] } }, data: { status: "cancelled", leaseOwner: null, leaseExpiresAt: null } });
  const worker = new Worker({ runner, pollMs: 20, leaseMs: 60_000, ...options });
  workers.push(worker);
  return worker.start();
}

describe("a cancel as an approval step opens its draft", () => {
  it("lands just before the draft's commit: the run ends cancelled, with no draft and no later step", async () => {
    const runner = new ScriptedRunner();
    const worker = await startWorker(runner);
    const id = await queueRun({ pipelineSlug: "held-review", createdBy: ACTOR });
    await waitFor(() => runner.calls.length === 1, undefined, "step one to be called");

    // the person's cancel runs whole just before the approval step's transaction (the run is running)
    const transaction = prisma.$transaction.bind(prisma);
    let cancelled: Awaited<ReturnType<typeof cancelRun>> | null = null;
    let armed = true;
    vi.spyOn(prisma, "$transaction").mockImplementation((async (...args: Parameters<typeof prisma.$transaction>) => {
      if (armed && (await prisma.runStep.count({ where: { runId: id, stepId: "review", status: "running" } })) === 1) {
        armed = false;
        cancelled = await cancelRun(id, ACTOR);
      }
      return (transaction as (...a: unknown[]) => unknown)(...args);
    }) as typeof prisma.$transaction);
    runner.openGate();

    await waitFor(() => cancelled !== null && !worker.activeRunIds.includes(id), undefined, "the worker to let the run go");
    expect(cancelled).toEqual({ status: "cancelling" });
    expect(await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, leaseOwner: true } })).toEqual({ status: "cancelled", leaseOwner: null });
    expect((await stepRows(id)).map((s) => [s.stepId, s.status])).toEqual([
      ["one", "succeeded"],
      ["review", "cancelled"],
      ["publish", "pending"],
    ]);
    expect(await prisma.draft.count({ where: { runId: id, status: "pending" } })).toBe(0);
    expect(runner.calls.map((c) => c.stepId)).toEqual(["one"]);
  });

  it("commits between cancel's two looks: cancel looks again and cancels the waiting run, closing its draft (no 409)", async () => {
    const runner = new ScriptedRunner();
    await startWorker(runner);
    const id = await queueRun({ pipelineSlug: "held-review", createdBy: ACTOR });
    await waitFor(() => runner.calls.length === 1, undefined, "step one to be called");

    // cancel's first look finds the run running; before its second, step one ends and the approval waits
    const transaction = prisma.$transaction.bind(prisma);
    let armed = true;
    vi.spyOn(prisma, "$transaction").mockImplementation((async (...args: Parameters<typeof prisma.$transaction>) => {
      const result = await (transaction as (...a: unknown[]) => Promise<unknown>)(...args);
      if (armed) {
        armed = false;
        runner.openGate();
        await waitForRunStatus(id, ["waiting"]);
      }
      return result;
    }) as typeof prisma.$transaction);

    expect(await cancelRun(id, ACTOR)).toEqual({ status: "cancelled" });
    expect(armed).toBe(false);
    expect((await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe("cancelled");
    expect(await prisma.draft.findFirstOrThrow({ where: { runId: id }, select: { status: true, decisionNote: true } })).toEqual({ status: "rejected", decisionNote: "The run was cancelled" });
    expect((await stepRows(id)).map((s) => [s.stepId, s.status])).toEqual([
      ["one", "succeeded"],
      ["review", "cancelled"],
      ["publish", "pending"],
    ]);
  });
});

describe("a cancel from another process while a step's call runs", () => {
  // no control read during the test: the worker learns of the cancel only from the step's end
  const options = { leaseMs: 600_000, controlMs: 600_000 };

  it("ends the run cancelled instead of waiting when the call's outcome is unknown (the step keeps its marker)", async () => {
    const runner = new CancelledFromElsewhere();
    const worker = await startWorker(runner, options);
    const id = await queueRun({ pipelineSlug: "unsure", createdBy: ACTOR });
    await waitFor(async () => runner.calls.length === 1 && !worker.activeRunIds.includes(id), undefined, "the worker to let the run go");
    expect((await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe("cancelled");
    const steps = await stepRows(id);
    expect(steps.map((s) => [s.stepId, s.status])).toEqual([
      ["post", "cancelled"],
      ["publish", "pending"],
    ]);
    expect(JSON.parse(steps[0].outputJson ?? "{}")).toMatchObject({ outcomeUnknown: true });
  });

  it("ends the run cancelled instead of waiting when the tool asks for input (no open question)", async () => {
    const runner = new CancelledFromElsewhere();
    const worker = await startWorker(runner, options);
    const id = await queueRun({ pipelineSlug: "asks", createdBy: ACTOR });
    await waitFor(async () => runner.calls.length === 1 && !worker.activeRunIds.includes(id), undefined, "the worker to let the run go");
    expect((await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe("cancelled");
    expect((await stepRows(id)).map((s) => [s.stepId, s.status])).toEqual([
      ["ask", "cancelled"],
      ["publish", "pending"],
    ]);
    expect(await prisma.stepInputRequest.count({ where: { runId: id } })).toBe(0);
  });
});
