// Long calls as tasks through a stdio server: server-everything's simulate-research-query (execution.
// taskSupport "required") runs as a tool step: the call is sent once with a task, the task is stored
// with it, its status messages become run events and the step's task in GET /api/runs/<id>, and the
// task's result becomes the step's output. A cancel sends tasks/cancel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { ACTOR, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { waitFor } from "@/lib/testing/wait-for";

let worker: Worker;
const unique = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  writeMcpJson({ everything: { command: "node", args: [EVERYTHING, "stdio"] } });
  writePipeline(
    "research",
    `name: Research
inputs:
  topic: { type: string, required: true }
steps:
  - id: research
    tool: everything/simulate-research-query
    args: { topic: "{{ inputs.topic }}" }
  - id: after
    tool: everything/echo
    args: { message: "done: {{ steps.research.text }}" }
`,
  );
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000, controlMs: 50 }).start();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
});

describe("a tool that answers with a task (stdio)", () => {
  it("simulate-research-query completes as a tool step: its task is stored, its status messages logged, its result the step's output", async () => {
    const topic = unique("topic");
    const runId = await queueRun({ pipelineSlug: "research", inputs: { topic }, createdBy: ACTOR });
    // the task is stored with the call while it runs, and the run's detail shows it on the step
    const running = await waitFor(async () => (await getRunDetail(runId))?.steps.find((s) => s.id === "research" && s.task !== null), undefined, "the step's task");
    expect(running.task?.server).toBe("everything");
    expect(running.task?.id).toMatch(/^[0-9a-f]{32}$/);
    await waitForRunStatus(runId, ["succeeded"]);

    const calls = await prisma.toolCall.findMany({ where: { runId }, orderBy: { startedAt: "asc" }, include: { task: true } });
    expect(calls.map((c) => [c.tool, c.status])).toEqual([
      ["simulate-research-query", "succeeded"],
      ["echo", "succeeded"],
    ]);
    expect(calls[0].task).toMatchObject({ server: "everything", transport: "stdio", wire: "2025-11-25", status: "completed", taskId: running.task?.id });
    expect(calls[1].task).toBeNull();
    expect(calls[0].resultJson).toContain(`# Research Report: ${topic}`);
    expect(calls[1].resultJson).toContain(`done: # Research Report: ${topic}`);

    // each stage's status message, as the server set it, in order, as run events of the step
    const detail = await getRunDetail(runId);
    const step = detail?.steps.find((s) => s.id === "research");
    const messages = detail?.events.filter((e) => e.type === "task" && e.runStepId === step?.runStepId).map((e) => e.message) ?? [];
    const taskId = calls[0].task?.taskId;
    for (const stage of ["Gathering sources...", "Analyzing content...", "Synthesizing findings...", "Generating report..."]) {
      expect(messages).toContain(`Task ${taskId} on everything working: ${stage}`);
    }
    expect(messages.at(-1)).toBe(`Task ${taskId} on everything completed: Generating report...`);
    expect(step?.task).toMatchObject({ id: taskId, status: "completed", statusMessage: "Generating report..." });
  });

  it("cancel during the task sends tasks/cancel: the task ends cancelled on the server, the run cancelled", async () => {
    const runId = await queueRun({ pipelineSlug: "research", inputs: { topic: unique("cancel") }, createdBy: ACTOR });
    const task = await waitFor(() => prisma.toolTask.findFirst({ where: { toolCall: { runId } } }), undefined, "the task to be stored");
    await cancelRun(runId, ACTOR);
    await waitForRunStatus(runId, ["cancelled"]);
    const stored = await prisma.toolTask.findUniqueOrThrow({ where: { id: task.id } });
    // the server's own answer to tasks/cancel: its status and message
    expect([stored.status, stored.statusMessage, stored.cancelSentAt !== null]).toEqual(["cancelled", "Client cancelled task execution.", true]);
    const call = await prisma.toolCall.findFirstOrThrow({ where: { runId } });
    expect([call.status, call.error]).toEqual(["unknown", "Cancelled"]);
  });
});
