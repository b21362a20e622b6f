// Tasks across a restart: the real worker (`npm run worker`) is killed with kill -9 while a tool step's
// task is under way, then a worker starts again (here, in this process) and recovers the run.
// - An HTTP server's task (lib/testing/task-server.ts: its tasks live in the test process) is polled
//   again by its stored task id: the call is not sent again, the status messages set while no worker ran
//   reach the run, and the run ends with the task's result, or is cancelled with tasks/cancel.
// - A stdio server's task (server-everything's simulate-research-query) ended with the killed worker's
//   server process: the step is an interrupted call under the exactly-once rules, outcome unknown.
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun, retryRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { prepareCall, sendTaskCall } from "@/lib/mcp/send-call";
import { resumableTask } from "@/lib/mcp/tasks";
import { ACTOR, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { exited } from "@/lib/testing/processes";
import { crashRealWorker, startRealWorker } from "@/lib/testing/real-worker";
import { startModernTaskServer, startTaskServer, type TaskServer } from "@/lib/testing/task-server";
import { waitFor } from "@/lib/testing/wait-for";

const workerLog = path.join(workspaceDir(), "task-workers.log");
const children: ChildProcess[] = [];
let legacy: TaskServer;
let modern: TaskServer;
let worker: Worker | null = null;
const unique = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  legacy = await startTaskServer();
  modern = await startModernTaskServer();
  writeMcpJson({ jobs: { type: "http", url: legacy.url }, jobs2026: { type: "http", url: modern.url }, everything: { command: "node", args: [EVERYTHING, "stdio"] } });
  for (const server of ["jobs", "jobs2026"]) {
    writePipeline(`long-${server}`, `name: Long job\ninputs:\n  label: { type: string, required: true }\nsteps:\n  - id: job\n    tool: ${server}/job\n    args: { label: "{{ inputs.label }}" }\n`);
  }
  writePipeline(
    "long-research",
    `name: Long research\ninputs:\n  topic: { type: string, required: true }\nsteps:\n  - id: research\n    tool: everything/simulate-research-query\n    args: { topic: "{{ inputs.topic }}" }\n`,
  );
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
  await legacy.close();
  await modern.close();
});

/** The worker started again (in this process): it recovers what the dead one left first. */
async function restart() {
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000, controlMs: 50 }).start();
}

/** A run of a long job whose task the real worker polls, then the worker killed. */
async function jobCrashedMidTask(server: string, tasks: TaskServer, label: string): Promise<{ runId: string; taskId: string }> {
  const real = await startRealWorker(workerLog, children);
  const runId = await queueRun({ pipelineSlug: `long-${server}`, inputs: { label }, createdBy: ACTOR });
  const stored = await waitFor(() => prisma.toolTask.findFirst({ where: { toolCall: { runId } } }), undefined, "the task stored with its call");
  // the dead worker polled it: the stored id is the server's
  await waitFor(() => (tasks.gets.get(stored.taskId) ?? 0) > 0, undefined, "a poll of the task");
  await crashRealWorker(real);
  expect(stored.taskId).toBe(tasks.taskOf(label));
  return { runId, taskId: stored.taskId };
}

// each revision's HTTP task server: its tasks/cancel answer's status message
const REVISIONS = [
  { revision: "2025-11-25", server: "jobs", tasks: () => legacy, wire: "2025-11-25", cancelled: "Client cancelled task execution." },
  { revision: "2026-07-28", server: "jobs2026", tasks: () => modern, wire: "2026-07-28", cancelled: "Cancelled by the client" },
];

describe.each(REVISIONS)("an HTTP server's task across a restart ($revision)", ({ server, tasks: serverOf, wire, cancelled }) => {
  it("is polled again by its stored id, not sent again, and the run ends with its result", async () => {
    const tasks = serverOf();
    const label = unique("restart");
    const { runId, taskId } = await jobCrashedMidTask(server, tasks, label);
    // what the server says while no worker runs reaches the run once one polls again
    await tasks.say(label, "Halfway there");
    await restart();
    await waitFor(async () => (await prisma.toolTask.findFirst({ where: { taskId } }))?.statusMessage === "Halfway there", undefined, "the resumed step to poll the task");
    await tasks.finish(label, `Report for ${label}`);
    await waitForRunStatus(runId, ["succeeded"]);

    // one tools/call, under the step's key, for both attempts
    expect(tasks.calls.filter((c) => c.label === label)).toEqual([{ label, taskId, key: `${runId}:job:1` }]);
    const calls = await prisma.toolCall.findMany({ where: { runId }, include: { task: true } });
    expect(calls.map((c) => [c.status, c.idempotencyKey, c.task?.taskId, c.task?.status, c.task?.wire, c.task?.transport])).toEqual([["succeeded", `${runId}:job:1`, taskId, "completed", wire, "http"]]);
    expect(calls[0].resultJson).toContain(`Report for ${label}`);
    expect((await stepRows(runId)).map((s) => [s.attempt, s.status, s.outputJson?.includes(`Report for ${label}`) ?? false])).toEqual([
      [1, "failed", false],
      [2, "succeeded", true],
    ]);
    const detail = await getRunDetail(runId);
    const latest = detail?.steps.find((s) => s.isLatestAttempt);
    expect(latest?.task).toMatchObject({ id: taskId, server, status: "completed", statusMessage: "Halfway there" });
    expect(detail?.events.filter((e) => e.type === "task" && e.runStepId === latest?.runStepId).map((e) => e.message)).toContain(`Task ${taskId} on ${server} working: Halfway there`);
  });

  it("a resumed task is cancelled with tasks/cancel when the run is cancelled", async () => {
    const tasks = serverOf();
    const label = unique("cancel");
    const { runId, taskId } = await jobCrashedMidTask(server, tasks, label);
    await tasks.say(label, "Still going");
    await restart();
    await waitFor(async () => (await prisma.toolTask.findFirst({ where: { taskId } }))?.statusMessage === "Still going", undefined, "the resumed step to poll the task");
    await cancelRun(runId, ACTOR);
    await waitForRunStatus(runId, ["cancelled"]);
    expect(tasks.cancels).toContain(taskId);
    expect(await tasks.status(label)).toEqual({ status: "cancelled", statusMessage: cancelled });
    const stored = await prisma.toolTask.findFirstOrThrow({ where: { taskId } });
    expect([stored.status, stored.cancelSentAt !== null]).toEqual(["cancelled", true]);
    expect(tasks.calls.filter((c) => c.label === label)).toHaveLength(1);
  });
});

describe.each(REVISIONS)("an HTTP server's task whose worker is dead ($revision)", ({ server, tasks: serverOf, cancelled }) => {
  it("is cancelled with tasks/cancel when its run is cancelled before a worker takes it up again", async () => {
    const tasks = serverOf();
    const label = unique("orphan");
    const { runId, taskId } = await jobCrashedMidTask(server, tasks, label);
    // no worker holds the run: the cancel is only requested, and the recovery ends the run and its task
    expect(await cancelRun(runId, ACTOR)).toEqual({ status: "cancelling" });
    await restart();
    await waitForRunStatus(runId, ["cancelled"]);
    await waitFor(() => tasks.cancels.includes(taskId), undefined, "tasks/cancel to reach the server");
    expect(await tasks.status(label)).toEqual({ status: "cancelled", statusMessage: cancelled });
    expect(tasks.calls.filter((c) => c.label === label)).toHaveLength(1);
  });
});

describe("an HTTP server's task across a graceful stop", () => {
  it("is left running when the worker stops past its grace period, and polled again by the run's Retry", async () => {
    const tasks = legacy;
    const label = unique("graceful");
    await restart();
    const runId = await queueRun({ pipelineSlug: "long-jobs", inputs: { label }, createdBy: ACTOR });
    const stored = await waitFor(() => prisma.toolTask.findFirst({ where: { toolCall: { runId } } }), undefined, "the task stored with its call");
    await worker?.stop({ graceMs: 0 });
    worker = null;
    await getMcpPool().shutdown();
    expect((await waitForRunStatus(runId, ["failed"])).error).toMatch(/Interrupted by shutdown/);
    // the stop did not cancel it: the server still runs it
    expect(tasks.cancels).not.toContain(stored.taskId);
    expect((await tasks.status(label))?.status).toBe("working");

    await tasks.finish(label, `Report for ${label}`);
    await retryRun(runId, ACTOR);
    await restart();
    await waitForRunStatus(runId, ["succeeded"]);
    expect(tasks.calls.filter((c) => c.label === label)).toHaveLength(1);
    expect((await prisma.toolCall.findFirstOrThrow({ where: { runId } })).resultJson).toContain(`Report for ${label}`);
  });
});

describe("a stdio server's task across a restart", () => {
  it("ends with the server's process: the step is an interrupted call whose outcome is unknown, never sent again", async () => {
    const real = await startRealWorker(workerLog, children);
    const runId = await queueRun({ pipelineSlug: "long-research", inputs: { topic: unique("topic") }, createdBy: ACTOR });
    const stored = await waitFor(() => prisma.toolTask.findFirst({ where: { toolCall: { runId }, status: "working" } }), undefined, "the task stored with its call");
    expect(stored.transport).toBe("stdio");
    await crashRealWorker(real);
    await restart();
    await waitForRunStatus(runId, ["waiting"]);
    const steps = await stepRows(runId);
    expect(steps.map((s) => [s.attempt, s.status])).toEqual([
      [1, "failed"],
      [2, "waiting"],
    ]);
    expect(steps[1].outputJson).toBe(JSON.stringify({ outcomeUnknown: true, idempotencyKey: `${runId}:research:1` }));
    // one call, still as sent: the task was never polled again nor the call sent again
    const calls = await prisma.toolCall.findMany({ where: { runId }, include: { task: true } });
    expect(calls.map((c) => [c.status, c.task?.taskId])).toEqual([["started", stored.taskId]]);
    expect((await getRunDetail(runId))?.steps.find((s) => s.status === "waiting")?.outcomeUnknown).toMatchObject({ server: "everything", tool: "simulate-research-query" });
  });
});

describe("a stored task resumed by a caller already cancelled", () => {
  it("gets tasks/cancel and an unknown outcome: the call was sent long ago, so it is never 'cancelled before it was sent'", async () => {
    const label = unique("resume-cancelled");
    await restart();
    const runId = await queueRun({ pipelineSlug: "long-jobs2026", inputs: { label }, createdBy: ACTOR });
    const stored = await waitFor(() => prisma.toolTask.findFirst({ where: { toolCall: { runId } } }), undefined, "the task stored with its call");
    // a stop past its grace leaves the task running on the server, to be resumed
    await worker?.stop({ graceMs: 0 });
    worker = null;
    const task = await resumableTask(stored.toolCallId);
    if (!task) throw new Error("the task is not resumable");
    // the cancel lands while the resuming attempt is on its way to the first poll
    const cancelled = new AbortController();
    cancelled.abort(new Error("Cancelled by a person"));
    const request = { server: "jobs2026", tool: "job", arguments: { label }, signal: cancelled.signal };
    const result = await sendTaskCall(await prepareCall(request), request, { toolCallId: stored.toolCallId, resume: task });
    expect(result).toMatchObject({ isError: true, outcomeUnknown: true, error: "Cancelled" });
    expect(modern.cancels).toContain(stored.taskId);
    expect(modern.calls.filter((c) => c.label === label)).toHaveLength(1);
  });
});
