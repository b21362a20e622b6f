// An agent step whose tool asks for input: the anthropic runner (against the model stand-in) calls the
// modern server's ask_name through the real gateway and pool. The step ends as "needs input" with the
// question; the answer, given later, reruns the step with it in the prompt, and the gateway answers the
// same question with it when the agent calls the tool again.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { answerInput } from "@/lib/engine/input-waits";
import { queueRun } from "@/lib/engine/queue-run";
import { getRunDetail } from "@/lib/engine/run-detail";
import { listStepEvents } from "@/lib/engine/transcript";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { ModelStandin } from "@/lib/testing/model-standin";
import { modernServerEntry } from "@/lib/testing/modern-server";
import { writeMcpJson } from "@/lib/testing/mcp-servers";

const suffix = Math.random().toString(36).slice(2, 8);
const callsFile = path.join(workspaceDir(), `modern-calls-${suffix}.jsonl`);
let standin: ModelStandin;
let worker: Worker;

beforeAll(async () => {
  standin = await ModelStandin.start();
  Object.assign(process.env, { ANTHROPIC_API_KEY: "sk-ant-test-canary-0000", ANTHROPIC_BASE_URL: standin.url });
  // call the tool that asks, then answer with what it returned
  standin.script = ({ tools, lastResult }) => {
    const ask = tools.find((t) => t.name.endsWith("ask_name"));
    if (!ask) return { kind: "text", text: "no ask_name tool" };
    return lastResult === null ? { kind: "tool", name: ask.name, args: {} } : { kind: "text", text: `Final: ${lastResult}` };
  };
  await ensureClient("acme");
  writeMcpJson({ modern: modernServerEntry({ CALLS_FILE: callsFile }) });
  writePipeline(
    `agent-ask-${suffix}`,
    `name: Agent asks
steps:
  - id: greet
    agent:
      runner: anthropic
      model: standin-model
      prompt: "Greet the person by name"
      tools: ["modern/ask_name"]
`,
  );
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000 }).start();
});

afterAll(async () => {
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await standin?.close();
});

describe("an agent step whose tool asks for input", { timeout: 120_000 }, () => {
  it("ends as needs input with the question; the answer reruns the step with it, and the tool's question is answered", async () => {
    const runId = await queueRun({ pipelineSlug: `agent-ask-${suffix}`, clientSlug: "acme", createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting", "failed", "succeeded"], 60_000);
    const detail = await getRunDetail(runId);
    expect(detail?.status).toBe("waiting");
    expect(detail?.waitingFor).toBe("input");
    const step = detail?.steps.find((s) => s.id === "greet");
    expect(step).toMatchObject({ status: "waiting", waitingFor: "input", inputRequest: { message: "What is your name?", origin: "agent", kind: "input_required", server: "modern", tool: "ask_name" } });
    // the run left its worker: the wait is durable
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).leaseOwner).toBeNull();

    await answerInput({ runId, stepId: "greet", action: "accept", content: { name: "Ada" }, actor: ACTOR });
    await waitForRunStatus(runId, ["succeeded", "failed"], 60_000);
    // a new attempt of the step: the first keeps what it spent, and says why it stopped
    const [first, done] = await prisma.runStep.findMany({ where: { runId, stepId: "greet" }, orderBy: { attempt: "asc" } });
    expect([first.attempt, first.status, done.attempt, done.status]).toEqual([1, "failed", 2, "succeeded"]);
    expect(first.error).toMatch(/Stopped to ask a person; Test answered, and the step runs again with that/);
    expect(first.inputTokens).toBeGreaterThan(0);
    expect(JSON.parse(done.outputJson ?? "{}").text).toBe("Final: Hello, Ada");
    // the rerun's prompt carries the answer
    const promptOf = async (runStepId: string) => ((await listStepEvents(runId, runStepId, {})).items.find((e) => e.type === "prompt")?.data as { text?: string } | undefined)?.text ?? "";
    expect(await promptOf(first.id)).toContain("Greet the person by name");
    expect(await promptOf(first.id)).not.toContain("a person answered");
    expect(await promptOf(done.id)).toContain('The tool modern/ask_name asked "What is your name?"; a person answered: {"name":"Ada"}');
    // the run's cost counts both attempts
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.inputTokens).toBe(first.inputTokens + done.inputTokens);
    // the server: asked in the first run, asked again in the rerun and answered there
    const rounds = fs
      .readFileSync(callsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { round?: number }).round);
    expect(rounds).toEqual([1, 1, 2]);
  });
});
