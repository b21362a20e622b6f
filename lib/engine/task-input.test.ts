// A 2026-07-28 task that asks for input mid-task (the tasks extension: status `input_required`, its
// question in tasks/get's `inputRequests`), with the real engine, pool and SQLite and the v2 HTTP task
// server of lib/testing/task-server.ts: the tool step waits as "waiting for input" like a plain call's
// input_required (the same StepInputRequest, run detail, answer function and run.input-needed
// notification); the answer reaches the server once, with tasks/update, and polling goes on to the task's
// result. The server's first poll after the answer still shows the question: it is not asked again.
// Across a restart: the real worker (`npm run worker`) is killed with -9 while the step waits; the answer
// given meanwhile is sent by the next worker with tasks/update, and the run ends with the task's result.
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { SafeError } from "@/lib/errors";
import { answerInput } from "@/lib/engine/input-waits";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { ACTOR, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { exited } from "@/lib/testing/processes";
import { crashRealWorker, startRealWorker } from "@/lib/testing/real-worker";
import { type ModernTaskServer, startModernTaskServer } from "@/lib/testing/task-server";
import { waitFor } from "@/lib/testing/wait-for";

const suffix = Math.random().toString(36).slice(2, 8);
const pipeline = `task-ask-${suffix}`;
const workerLog = path.join(workspaceDir(), `task-input-workers-${suffix}.log`);
const children: ChildProcess[] = [];
let tasks: ModernTaskServer;
let worker: Worker | null = null;
const unique = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  tasks = await startModernTaskServer();
  writeMcpJson({ jobs2026: { type: "http", url: tasks.url }, everything: { command: process.execPath, args: [EVERYTHING, "stdio"] } });
  writePipeline(
    `research-ask-${suffix}`,
    `name: Ambiguous research\ninputs:\n  topic: { type: string, required: true }\nsteps:\n  - id: research\n    tool: everything/simulate-research-query\n    args: { topic: "{{ inputs.topic }}", ambiguous: true }\n`,
  );
  writePipeline(pipeline, `name: A job that asks\ninputs:\n  label: { type: string, required: true }\nsteps:\n  - id: job\n    tool: jobs2026/job\n    args: { label: "{{ inputs.label }}" }\n`);
});

afterEach(async () => {
  await worker?.stop({ graceMs: 1_000 });
  worker = null;
  await getMcpPool().shutdown();
});

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited(child);
  }
  await tasks.close();
});

const startWorker = async () => {
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000, controlMs: 50 }).start();
};

/** A run whose task is stored and polled, then asks for a name under `key`; resolves once the step waits for input. */
async function runThatAsks(key: string, message: string, options: { hold?: boolean; method?: string } = {}) {
  const label = unique("ask");
  const runId = await queueRun({ pipelineSlug: pipeline, inputs: { label }, createdBy: ACTOR });
  const stored = await waitFor(() => prisma.toolTask.findFirst({ where: { toolCall: { runId } } }), 30_000, "the task stored with its call");
  await waitFor(() => (tasks.gets.get(stored.taskId) ?? 0) > 0, 30_000, "a poll of the task");
  await tasks.ask(label, key, message, options);
  const request = await waitFor(() => prisma.stepInputRequest.findFirst({ where: { runId, status: "pending" } }), 30_000, `run ${runId} to wait for input`);
  return { label, runId, taskId: stored.taskId, request };
}

/** Ten answers at once: the index of the one taken; the nine others were refused with 409. */
async function tenAnswers(runId: string): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => answerInput({ runId, action: "accept", content: { name: `Ada ${i}` }, actor: ACTOR })));
  const taken = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
  expect(taken).toHaveLength(1);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as SafeError);
  expect(refused.map((e) => [e instanceof SafeError, e.status])).toEqual(Array.from({ length: 9 }, () => [true, 409]));
  return taken[0];
}

const updatesOf = (taskId: string) => tasks.updates.filter((u) => u.taskId === taskId).map((u) => u.inputResponses);

describe("a 2026-07-28 task that asks for input mid-task", () => {
  it("waits for input like a plain call's input_required, takes one of ten answers, sends it once with tasks/update, and polls on to the result", async () => {
    await startWorker();
    const { label, runId, taskId, request } = await runThatAsks("name", "What is your name?");
    const call = await prisma.toolCall.findFirstOrThrow({ where: { runId } });
    expect([request.kind, request.origin, request.server, request.tool, request.inputKey, request.toolCallId, request.message]).toEqual([
      "input_required",
      "tool",
      "jobs2026",
      "job",
      "name",
      call.id,
      "What is your name?",
    ]);
    // the run waits without a worker; the call is recorded as waiting; the task as input_required
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, leaseOwner: true } })).toEqual({ status: "waiting", leaseOwner: null });
    expect(call.status).toBe("waiting");
    const detail = await getRunDetail(runId);
    const step = detail?.steps.find((s) => s.id === "job");
    expect(step?.inputRequest).toMatchObject({ message: "What is your name?", kind: "input_required", server: "jobs2026", tool: "job", schema: { required: ["name"] } });
    expect(step?.task).toMatchObject({ id: taskId, status: "input_required", statusMessage: "Waiting for a name" });
    // the same notification as any wait for input
    const outbox = await prisma.notificationOutbox.findUniqueOrThrow({ where: { dedupeKey: `run.input-needed:${request.id}` } });
    expect([outbox.event, JSON.parse(outbox.payloadJson).text]).toEqual(["run.input-needed", "jobs2026/job asks for input: What is your name?"]);
    expect(updatesOf(taskId)).toEqual([]);

    const winner = await tenAnswers(runId);
    await waitForRunStatus(runId, ["succeeded"]);
    // one tasks/update with the taken answer; one tools/call for the whole step
    expect(updatesOf(taskId)).toEqual([{ name: { action: "accept", content: { name: `Ada ${winner}` } } }]);
    expect(tasks.calls.filter((c) => c.label === label)).toEqual([{ label, taskId, key: `${runId}:job:1` }]);
    const done = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "job" } });
    expect(JSON.parse(done.outputJson ?? "{}").text).toBe(`Hello, Ada ${winner}`);
    const calls = await prisma.toolCall.findMany({ where: { runId }, include: { task: true } });
    expect(calls.map((c) => [c.id, c.status, c.task?.status])).toEqual([[call.id, "succeeded", "completed"]]);
    // asked once: the poll after the answer that still showed the question did not ask again
    expect(await prisma.stepInputRequest.findMany({ where: { runId }, select: { id: true, status: true } })).toEqual([{ id: request.id, status: "delivered" }]);
    // the run's log has the task's way through the question
    const messages = (await getRunDetail(runId))?.events.filter((e) => e.type === "task").map((e) => e.message) ?? [];
    expect(messages).toContain(`Task ${taskId} on jobs2026 needs input: Waiting for a name`);
    expect(messages.at(-1)).toBe(`Task ${taskId} on jobs2026 completed: Done`);
  });

  it("a decline is sent as such with tasks/update, and the task goes on to its result", async () => {
    await startWorker();
    const { runId, taskId } = await runThatAsks("who", "Who are you?");
    await answerInput({ runId, action: "decline", actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded"]);
    expect(updatesOf(taskId)).toEqual([{ who: { action: "decline" } }]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "job" } });
    expect(JSON.parse(step.outputJson ?? "{}").text).toBe("No name (decline)");
  });

  it("a second question after the first answer makes the step wait again; each answer goes out once, to its own key", async () => {
    await startWorker();
    const { label, runId, taskId, request } = await runThatAsks("name", "First name?", { hold: true });
    await answerInput({ runId, action: "accept", content: { name: "Ada" }, actor: ACTOR });
    await waitFor(() => updatesOf(taskId).length === 1, 30_000, "the first answer to be sent");
    await tasks.ask(label, "again", "Name once more?");
    const second = await waitFor(() => prisma.stepInputRequest.findFirst({ where: { runId, status: "pending" } }), 30_000, "the second question");
    expect([second.id !== request.id, second.inputKey, second.message, second.toolCallId]).toEqual([true, "again", "Name once more?", request.toolCallId]);
    await answerInput({ runId, action: "accept", content: { name: "Grace" }, actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded"]);
    expect(updatesOf(taskId)).toEqual([{ name: { action: "accept", content: { name: "Ada" } } }, { again: { action: "accept", content: { name: "Grace" } } }]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "job" } });
    expect(JSON.parse(step.outputJson ?? "{}").text).toBe("Hello, Grace");
    expect((await prisma.stepInputRequest.findMany({ where: { runId }, orderBy: { requestedAt: "asc" }, select: { inputKey: true, status: true } })).map((r) => [r.inputKey, r.status])).toEqual([
      ["name", "delivered"],
      ["again", "delivered"],
    ]);
    expect(tasks.calls.filter((c) => c.label === label)).toHaveLength(1);
  });

  it("a question no form can answer (sampling) fails the step and cancels the task", async () => {
    await startWorker();
    const label = unique("sampling");
    const runId = await queueRun({ pipelineSlug: pipeline, inputs: { label }, createdBy: ACTOR });
    const stored = await waitFor(() => prisma.toolTask.findFirst({ where: { toolCall: { runId } } }), 30_000, "the task stored with its call");
    await tasks.ask(label, "draft", "Write a poem", { method: "sampling/createMessage" });
    await waitForRunStatus(runId, ["failed"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "job" } });
    expect(step.error).toContain(`The server asks for sampling/createMessage, which Switchboard cannot answer; task ${stored.taskId} was cancelled`);
    expect(tasks.cancels).toContain(stored.taskId);
    expect(await prisma.stepInputRequest.count({ where: { runId } })).toBe(0);
  });

  it("cancelling the run while it waits sends tasks/cancel and no tasks/update", async () => {
    await startWorker();
    const { label, runId, taskId } = await runThatAsks("name", "Name, please?");
    await cancelRun(runId, ACTOR);
    await waitForRunStatus(runId, ["cancelled"]);
    await waitFor(() => tasks.cancels.includes(taskId), 30_000, "tasks/cancel of the waiting task");
    expect(await tasks.status(label)).toEqual({ status: "cancelled", statusMessage: "Cancelled by the client" });
    expect(updatesOf(taskId)).toEqual([]);
    expect((await prisma.toolTask.findFirstOrThrow({ where: { taskId } })).cancelSentAt).not.toBeNull();
  });

  it("survives a restart: the real worker is killed while the step waits; the answer is sent by the next worker with tasks/update", async () => {
    const real = await startRealWorker(workerLog, children);
    const { label, runId, taskId, request } = await runThatAsks("name", "What is your name, after a restart?");
    expect(request.toolCallId).not.toBeNull();
    await crashRealWorker(real);

    // answered while no worker runs: the run is queued again, and the next worker sends the answer
    await answerInput({ runId, action: "accept", content: { name: "Grace" }, actor: ACTOR });
    expect(updatesOf(taskId)).toEqual([]);
    await startWorker();
    await waitForRunStatus(runId, ["succeeded"]);
    expect(updatesOf(taskId)).toEqual([{ name: { action: "accept", content: { name: "Grace" } } }]);
    expect(tasks.calls.filter((c) => c.label === label)).toHaveLength(1);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "job", status: "succeeded" } });
    expect(JSON.parse(step.outputJson ?? "{}").text).toBe("Hello, Grace");
    expect((await prisma.toolCall.findMany({ where: { runId }, select: { status: true } })).map((c) => c.status)).toEqual(["succeeded"]);
  });

  it("a worker killed after sending the answer: the next one polls the task again and does not ask the answered question again", async () => {
    const real = await startRealWorker(workerLog, children);
    // the server keeps showing the answered question until the test finishes the task (its ack is eventually consistent)
    const { label, runId, taskId, request } = await runThatAsks("name", "Your name, once?", { hold: true });
    await answerInput({ runId, action: "accept", content: { name: "Linus" }, actor: ACTOR });
    await waitFor(() => updatesOf(taskId).length === 1, 30_000, "the real worker to send the answer");
    const polled = tasks.gets.get(taskId) ?? 0;
    await waitFor(() => (tasks.gets.get(taskId) ?? 0) >= polled + 3, 30_000, "polls that still show the answered question");
    await crashRealWorker(real);

    await startWorker();
    const resumed = tasks.gets.get(taskId) ?? 0;
    await waitFor(() => (tasks.gets.get(taskId) ?? 0) >= resumed + 3, 30_000, "the next worker to poll the task again");
    await tasks.finish(label, "Hello, Linus");
    await waitForRunStatus(runId, ["succeeded"]);
    // one question, one answer sent, one tools/call; the resumed attempt polled the same task
    expect(await prisma.stepInputRequest.findMany({ where: { runId }, select: { id: true } })).toEqual([{ id: request.id }]);
    expect(updatesOf(taskId)).toEqual([{ name: { action: "accept", content: { name: "Linus" } } }]);
    expect(tasks.calls.filter((c) => c.label === label)).toHaveLength(1);
    const steps = await prisma.runStep.findMany({ where: { runId, stepId: "job" }, orderBy: { attempt: "asc" }, select: { attempt: true, status: true, outputJson: true } });
    expect(steps.map((s) => [s.attempt, s.status])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(JSON.parse(steps[1].outputJson ?? "{}").text).toBe("Hello, Linus");
    expect((await prisma.toolCall.findMany({ where: { runId }, include: { task: true } })).map((c) => [c.status, c.task?.taskId])).toEqual([["succeeded", taskId]]);
  });
});

describe("a 2025-11-25 task that asks for input (elicitation/create on the tasks/result stream)", () => {
  it("server-everything's simulate-research-query waits for input like an old-style question, and the answer reaches the task", async () => {
    await startWorker();
    const topic = unique("topic");
    const runId = await queueRun({ pipelineSlug: `research-ask-${suffix}`, inputs: { topic }, createdBy: ACTOR });
    const request = await waitFor(() => prisma.stepInputRequest.findFirst({ where: { runId, status: "pending" } }), 30_000, `run ${runId} to wait for input`);
    expect([request.kind, request.server, request.tool]).toEqual(["elicitation", "everything", "simulate-research-query"]);
    expect(request.message).toContain(`The research query "${topic}" could have multiple interpretations`);
    expect((await prisma.toolTask.findFirstOrThrow({ where: { toolCall: { runId } } })).wire).toBe("2025-11-25");
    await answerInput({ runId, action: "accept", content: { interpretation: "historical" }, actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded"]);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "research", status: "succeeded" } });
    expect(step.outputJson).toContain(`# Research Report: ${topic} (historical)`);
    expect((await prisma.toolCall.findMany({ where: { runId }, include: { task: true } })).map((c) => [c.status, c.task?.status])).toEqual([["succeeded", "completed"]]);
  });
});
