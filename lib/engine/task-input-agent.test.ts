// An agent step whose tool answers with a 2026-07-28 task that asks for input: the anthropic runner (against
// the model stand-in) calls the v2 HTTP task server's `job` (each task starts by asking for a name) through
// the real gateway and pool. The step ends as "needs input" with the question, and the task that asked is
// cancelled (no one will answer it: the rerun makes a new call). The answer reruns the step; the agent calls
// the tool again, its new task asks the same question, and the gateway answers it with tasks/update.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { answerInput } from "@/lib/engine/input-waits";
import { queueRun } from "@/lib/engine/queue-run";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { writeMcpJson } from "@/lib/testing/mcp-servers";
import { ModelStandin } from "@/lib/testing/model-standin";
import { type ModernTaskServer, startModernTaskServer } from "@/lib/testing/task-server";

const suffix = Math.random().toString(36).slice(2, 8);
const label = `agent-job-${suffix}`;
let standin: ModelStandin;
let tasks: ModernTaskServer;
let worker: Worker;

beforeAll(async () => {
  tasks = await startModernTaskServer({ askOnCreate: { key: "name", message: "Which name goes on the job?" } });
  standin = await ModelStandin.start();
  Object.assign(process.env, { ANTHROPIC_API_KEY: "sk-ant-test-canary-0000", ANTHROPIC_BASE_URL: standin.url });
  // call the job, then answer with what it returned
  standin.script = ({ tools, lastResult }) => {
    const job = tools.find((t) => t.name.endsWith("job"));
    if (!job) return { kind: "text", text: "no job tool" };
    return lastResult === null ? { kind: "tool", name: job.name, args: { label } } : { kind: "text", text: `Final: ${lastResult}` };
  };
  await ensureClient("acme");
  writeMcpJson({ jobs2026: { type: "http", url: tasks.url } });
  writePipeline(
    `agent-task-ask-${suffix}`,
    `name: Agent job that asks\nsteps:\n  - id: work\n    agent:\n      runner: anthropic\n      model: standin-model\n      prompt: "Run the job"\n      tools: ["jobs2026/job"]\n`,
  );
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000 }).start();
});

afterAll(async () => {
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await standin?.close();
  await tasks?.close();
});

describe("an agent step whose tool's task asks for input", { timeout: 120_000 }, () => {
  it("ends as needs input and cancels the task that asked; the rerun's new task is answered with tasks/update", async () => {
    const runId = await queueRun({ pipelineSlug: `agent-task-ask-${suffix}`, clientSlug: "acme", createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting", "failed", "succeeded"], 60_000);
    const detail = await getRunDetail(runId);
    expect([detail?.status, detail?.waitingFor]).toEqual(["waiting", "input"]);
    expect(detail?.steps.find((s) => s.id === "work")?.inputRequest).toMatchObject({ message: "Which name goes on the job?", origin: "agent", kind: "input_required", server: "jobs2026", tool: "job" });
    const first = tasks.calls.filter((c) => c.label === label);
    expect(first).toHaveLength(1);
    expect(tasks.cancels).toContain(first[0].taskId);
    expect(await tasks.status(label)).toEqual({ status: "cancelled", statusMessage: "Cancelled by the client" });

    await answerInput({ runId, stepId: "work", action: "accept", content: { name: "Ada" }, actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded", "failed"], 60_000);
    const done = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "work", attempt: 2 } });
    expect([done.status, JSON.parse(done.outputJson ?? "{}").text]).toEqual(["succeeded", "Final: Hello, Ada"]);
    // two calls (one per attempt), the second task answered once, the first never
    const calls = tasks.calls.filter((c) => c.label === label);
    expect(calls).toHaveLength(2);
    expect(tasks.updates.filter((u) => u.taskId === first[0].taskId)).toEqual([]);
    expect(tasks.updates.filter((u) => u.taskId === calls[1].taskId).map((u) => u.inputResponses)).toEqual([{ name: { action: "accept", content: { name: "Ada" } } }]);
  });
});
