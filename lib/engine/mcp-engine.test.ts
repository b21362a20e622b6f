// The engine with its real step runner: tool steps through the MCP pool to server-everything over
// stdio, each call recorded with its result in the same transaction as the step's outcome.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun, retryRun } from "@/lib/engine/run-control";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";

let worker: Worker;

beforeAll(async () => {
  await ensureClient("acme");
  writeMcpJson({ everything: { command: "node", args: [EVERYTHING, "stdio"] } });
  writePipeline(
    "real-echo",
    `name: Real echo
inputs:
  word: { type: string, required: true }
steps:
  - id: first
    tool: everything/echo
    args: { message: "{{ inputs.word }}" }
  - id: second
    tool: everything/echo
    args: { message: "again: {{ steps.first.text }}" }
  - id: sum
    tool: everything/get-sum
    args: { a: 2, b: "{{ inputs.word }}" }
`,
  );
  writePipeline(
    "real-slow",
    `name: Real slow
steps:
  - id: long
    tool: everything/trigger-long-running-operation
    args: { duration: 3600, steps: 3600 }
`,
  );
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000 }).start();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
});

describe("tool steps through the MCP pool", () => {
  it("records every call with its result and links it to its step; a bad argument fails the step with the field named", async () => {
    const runId = await queueRun({ pipelineSlug: "real-echo", clientSlug: "acme", inputs: { word: "hello" }, createdBy: ACTOR });
    await waitForRunStatus(runId, ["failed"]);
    const calls = await prisma.toolCall.findMany({ where: { runId }, orderBy: { startedAt: "asc" }, include: { runStep: { select: { stepId: true, status: true } } } });
    expect(calls.map((c) => [c.runStep?.stepId, c.status, c.runStep?.status])).toEqual([
      ["first", "succeeded", "succeeded"],
      ["second", "succeeded", "succeeded"],
    ]);
    expect(calls[1].resultJson).toContain("again: Echo: hello");
    expect(calls.every((c) => c.finishedAt !== null && c.durationMs !== null)).toBe(true);
    const sum = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "sum" } });
    expect(sum.status).toBe("failed");
    expect(sum.error).toMatch(/Invalid arguments for everything\/get-sum: b: must be number/);

    // a retry runs only the failed step: the succeeded ones are not sent again
    await retryRun(runId, { id: null, label: "Test" });
    await waitForRunStatus(runId, ["failed"]);
    expect(await prisma.toolCall.count({ where: { runId, runStep: { stepId: { in: ["first", "second"] } } } })).toBe(2);
  });

  it("cancel during a real call stops it: the run is cancelled, not failed, and the call's outcome is recorded as unknown", async () => {
    const runId = await queueRun({ pipelineSlug: "real-slow", createdBy: ACTOR });
    await waitFor(async () => (await prisma.toolCall.count({ where: { runId } })) === 1);
    // the call would run for an hour: the run ends only if the cancel reaches the server's call
    await cancelRun(runId, { id: null, label: "Test" });
    await waitForRunStatus(runId, ["cancelled"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "long" } });
    expect(step.status).toBe("cancelled");
    const call = await prisma.toolCall.findFirstOrThrow({ where: { runId } });
    expect([call.status, call.error]).toEqual(["unknown", "Cancelled"]);
  });
});
