// A human inside a tool call, with real servers over stdio and the engine's real worker and pool: an old
// server's elicitation/create (server-everything's trigger-elicitation-request, listed because the pool
// declares the elicitation capability) and a 2026-07-28 server's input_required (the modern test server's
// ask_name). Each waits as "waiting for input", shows its question, and is answered exactly once: of ten
// concurrent answers one is taken, and the server sees one answer. Decline reaches the server too.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { SafeError } from "@/lib/errors";
import { answerInput } from "@/lib/engine/input-waits";
import { queueRun } from "@/lib/engine/queue-run";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { ACTOR, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { modernServerEntry } from "@/lib/testing/modern-server";
import { waitFor } from "@/lib/testing/wait-for";

const suffix = Math.random().toString(36).slice(2, 8);
const callsFile = path.join(workspaceDir(), `modern-calls-${suffix}.jsonl`);
let worker: Worker;
// a value of the server's own env: a secret, wherever the server puts it
const CANARY = `canary-${suffix}-hint`;

beforeAll(async () => {
  writeMcpJson({ everything: { command: process.execPath, args: [EVERYTHING, "stdio"] }, modern: modernServerEntry({ CALLS_FILE: callsFile, ASK_HINT: CANARY }) });
  writePipeline(
    `ask-old-${suffix}`,
    `name: Ask old style
steps:
  - id: ask
    tool: everything/trigger-elicitation-request
    args: {}
  - id: after
    tool: everything/echo
    args: { message: "got: {{ steps.ask.text }}" }
`,
  );
  writePipeline(
    `ask-new-${suffix}`,
    `name: Ask new style
steps:
  - id: ask
    tool: modern/ask_name
    args: {}
  - id: after
    tool: everything/echo
    args: { message: "got: {{ steps.ask.text }}" }
`,
  );
  writePipeline(
    `ask-old-short-${suffix}`,
    `name: Ask old style with a short timeout
steps:
  - id: ask
    tool: everything/trigger-elicitation-request
    args: {}
    timeout: 1s
`,
  );
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000 }).start();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
});

const pendingRequest = (runId: string) => waitFor(() => prisma.stepInputRequest.findFirst({ where: { runId, status: "pending" } }), 30_000, `run ${runId} to wait for input`);

/** Ten answers at once: returns the index of the one that was taken; the other nine were refused with 409. */
async function tenAnswers(runId: string): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => answerInput({ runId, action: "accept", content: { name: `Ada ${i}` }, actor: ACTOR })));
  const taken = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
  expect(taken).toHaveLength(1);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as SafeError);
  expect(refused.map((e) => [e instanceof SafeError, e.status])).toEqual(Array.from({ length: 9 }, () => [true, 409]));
  return taken[0];
}

const modernRounds = () =>
  fs.existsSync(callsFile)
    ? fs
        .readFileSync(callsFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { tool: string; round?: number })
        .map(({ tool, round }) => ({ tool, round }))
    : [];

describe("old style: elicitation/create in the middle of the call", () => {
  it("waits for input with the server's question, keeps the call open, takes one of ten answers and goes on with it", async () => {
    const runId = await queueRun({ pipelineSlug: `ask-old-${suffix}`, createdBy: ACTOR });
    const request = await pendingRequest(runId);
    expect([request.kind, request.origin, request.server, request.tool]).toEqual(["elicitation", "tool", "everything", "trigger-elicitation-request"]);
    // the run waits with its worker's claim (`<worker id>:<claim id>`) still holding the open call; the page and the API show the form's schema
    expect(request.workerId?.startsWith(`${worker.id}:`)).toBe(true);
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, leaseOwner: true } })).toEqual({ status: "waiting", leaseOwner: request.workerId });
    const detail = await getRunDetail(runId);
    expect(detail?.waitingFor).toBe("input");
    const ask = detail?.steps.find((s) => s.id === "ask");
    expect(ask?.inputRequest).toMatchObject({ message: "Please provide inputs for the following fields:", kind: "elicitation" });
    expect(ask?.inputRequest?.schema).toMatchObject({ type: "object", required: ["name"] });
    expect(await prisma.toolCall.count({ where: { runId, status: "started" } })).toBe(1);

    const winner = await tenAnswers(runId);
    await waitForRunStatus(runId, ["succeeded"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "ask" } });
    const text = JSON.parse(step.outputJson ?? "{}").text as string;
    expect(text).toContain(`- Name: Ada ${winner}`);
    expect(text).toContain('"action": "accept"');
    // one call, one answer: the server's result quotes exactly one
    expect(text.match(/Ada \d/g)).toEqual([`Ada ${winner}`, `Ada ${winner}`]);
    expect(await prisma.toolCall.count({ where: { runId, runStep: { stepId: "ask" } } })).toBe(1);
    expect((await prisma.stepInputRequest.findFirstOrThrow({ where: { runId } })).status).toBe("delivered");
  });

  it("a decline goes back to the server, which says so", async () => {
    const runId = await queueRun({ pipelineSlug: `ask-old-${suffix}`, createdBy: ACTOR });
    await pendingRequest(runId);
    await answerInput({ runId, stepId: "ask", action: "decline", actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "ask" } });
    expect(JSON.parse(step.outputJson ?? "{}").text).toContain("User declined to provide the requested information");
  });

  it("the call's no-answer timeout stops while the person is asked (the step's timeout is 1 s; the answer comes later)", async () => {
    const runId = await queueRun({ pipelineSlug: `ask-old-short-${suffix}`, createdBy: ACTOR });
    const request = await pendingRequest(runId);
    // well past the step's timeout: without the pause, the call would have timed out as "outcome unknown"
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await prisma.toolCall.findFirstOrThrow({ where: { runId } })).status).toBe("started");
    expect((await prisma.stepInputRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("pending");
    await answerInput({ runId, action: "accept", content: { name: "Late" }, actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "ask" } });
    expect(JSON.parse(step.outputJson ?? "{}").text).toContain("- Name: Late");
  });

  it("cancelling the run while it waits ends the open call", async () => {
    const runId = await queueRun({ pipelineSlug: `ask-old-${suffix}`, createdBy: ACTOR });
    await pendingRequest(runId);
    const { cancelRun } = await import("@/lib/engine/run-control");
    await cancelRun(runId, ACTOR);
    await waitForRunStatus(runId, ["cancelled"]);
    // the worker lets go of the run: nothing of it stays active in this worker
    await waitFor(async () => !worker.activeRunIds.includes(runId), 30_000, "the worker to let go of the cancelled run");
    await expect(answerInput({ runId, action: "decline", actor: ACTOR })).rejects.toMatchObject({ status: 409 });
  });
});

describe("input_required (2026-07-28): the call comes back asking", () => {
  it("waits for input with the run released, takes one of ten answers, and sends the call again once with it and the stored requestState", async () => {
    const before = modernRounds().length;
    const runId = await queueRun({ pipelineSlug: `ask-new-${suffix}`, createdBy: ACTOR });
    const request = await pendingRequest(runId);
    expect([request.kind, request.server, request.tool, request.inputKey, request.requestState]).toEqual(["input_required", "modern", "ask_name", "name", "ask_name:1"]);
    // the server's secret in its question's schema is redacted where it is kept (and so wherever it is shown)
    expect(JSON.parse(request.schemaJson).properties.name.description).toBe("As on [redacted]");
    expect(JSON.stringify(await getRunDetail(runId))).not.toContain(CANARY);
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, leaseOwner: true } })).toEqual({ status: "waiting", leaseOwner: null });
    const detail = await getRunDetail(runId);
    expect(detail?.steps.find((s) => s.id === "ask")?.inputRequest).toMatchObject({ message: "What is your name?", kind: "input_required", schema: { required: ["name"] } });
    const call = await prisma.toolCall.findFirstOrThrow({ where: { runId } });
    expect([call.status, call.id]).toEqual(["waiting", request.toolCallId]);

    const winner = await tenAnswers(runId);
    await waitForRunStatus(runId, ["succeeded"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "ask" } });
    expect(JSON.parse(step.outputJson ?? "{}").text).toBe(`Hello, Ada ${winner}`);
    // the server saw the question once and the answer once: one retry, under the same recorded call
    expect(modernRounds().slice(before)).toEqual([
      { tool: "ask_name", round: 1 },
      { tool: "ask_name", round: 2 },
    ]);
    expect(await prisma.toolCall.findMany({ where: { runId, runStep: { stepId: "ask" } }, select: { status: true } })).toEqual([{ status: "succeeded" }]);
    expect((await prisma.stepInputRequest.findFirstOrThrow({ where: { runId } })).status).toBe("delivered");
  });

  it("a decline is sent with the retry", async () => {
    const runId = await queueRun({ pipelineSlug: `ask-new-${suffix}`, createdBy: ACTOR });
    await pendingRequest(runId);
    await answerInput({ runId, action: "decline", actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "ask" } });
    expect(JSON.parse(step.outputJson ?? "{}").text).toBe("declined");
  });
});
