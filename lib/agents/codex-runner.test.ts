// The codex runner with the real Codex CLI from node_modules, a private CODEX_HOME, a stand-in for the
// Responses API, and the gateway over Streamable HTTP with a bearer token minted for the step.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runAgentPipeline, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { CODEX_BIN, CODEX_NATIVE, processesMatching } from "@/lib/testing/agent-clis";
import { prisma } from "@/lib/db/client";
import { agentEnv, dataDir } from "@/lib/env";
import { ACTOR, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";
import { processTable } from "@/lib/testing/processes";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun } from "@/lib/engine/run-control";
import { STANDIN_ECHO_MESSAGE, STANDIN_USAGE } from "@/lib/testing/model-standin";

const suite = useAgentSuite({
  cli: true,
  httpGateway: true,
  env: ({ standin, gateway }) => ({
    OPENAI_API_KEY: "sk-openai-test-canary-0000",
    OPENAI_BASE_URL: `${standin}/v1`,
    SWITCHBOARD_CODEX_BIN: CODEX_BIN,
    SWITCHBOARD_GATEWAY_URL: gateway ?? "",
  }),
});

async function gatewayPost(token: string, body: unknown) {
  return fetch(suite.gateway?.url ?? "", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify(body),
  });
}

/** Every regular file under `dir` (symlinks not followed). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The gateway token and CODEX_HOME Switchboard gave each running boxed codex (read from the box's own environment). */
function runningCodexSteps(): { token: string; home: string }[] {
  const steps = new Map<string, string>();
  for (const p of processTable({ environ: true }).filter((p) => p.state !== "Z" && p.cmdline.includes(CODEX_BIN))) {
    const vars = new Map((p.environ ?? "").split("\0").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const));
    const token = vars.get("SWITCHBOARD_GATEWAY_TOKEN");
    const home = vars.get("CODEX_HOME");
    // inside the box CODEX_HOME is /codex-home; the box itself was started with the folder on the host
    if (token && home && home !== "/codex-home") steps.set(token, home);
  }
  return [...steps].map(([token, home]) => ({ token, home }));
}

// a real CLI on a shared, loaded machine can take far longer than the default 30 s
describe("codex runner", { timeout: 240_000 }, () => {
  it("calls server-everything's echo through the HTTP gateway and its answer flows into the next step", async () => {
    const { run, draft, after } = await runAgentPipeline(writeAgentPipeline("codex"), ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    expect(JSON.parse(draft?.outputJson ?? "{}").text).toBe(`Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status])).toEqual([["everything", "echo", "succeeded"]]);
    expect(after?.toolCalls[0].resultJson).toContain(`next step got: Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    // codex reports the whole turn (two model calls), cached tokens counted apart from input
    expect([draft?.runner, draft?.inputTokens, draft?.outputTokens, draft?.cacheReadTokens, draft?.reasoningTokens]).toEqual([
      "codex",
      2 * (STANDIN_USAGE.input - STANDIN_USAGE.cacheRead),
      2 * STANDIN_USAGE.output,
      2 * STANDIN_USAGE.cacheRead,
      2 * STANDIN_USAGE.reasoning,
    ]);
    // the step's token was cleared when it finished
    expect(draft?.gatewayTokenHash).toBeNull();
  });

  it("knows its model before it starts: a step naming none runs on SWITCHBOARD_CODEX_MODEL, passed to codex with -m", async () => {
    suite.standin.mode = "answer";
    const slug = `codex-default-model-${Math.random().toString(36).slice(2, 8)}`;
    writePipeline(slug, `name: Codex default model\nsteps:\n  - id: draft\n    agent:\n      runner: codex\n      prompt: "Say hello"\n      tools: [everything/echo]\n`);
    const { run, draft } = await runAgentPipeline(slug, ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    expect(agentEnv().SWITCHBOARD_CODEX_MODEL).toBe("gpt-5.5");
    expect(draft?.model).toBe("gpt-5.5");
    expect(suite.standin.requestsTo("/v1/responses").at(-1)?.body.model).toBe("gpt-5.5");
  });

  it("honours a step's gateway token only while the step runs and only for its tools", async () => {
    suite.standin.mode = "hang";
    const before = suite.standin.requests.length;
    const id = await queueRun({ pipelineSlug: writeAgentPipeline("codex"), clientSlug: "acme", createdBy: ACTOR });
    await waitFor(async () => suite.standin.requests.length > before, 60_000, "codex to call the model");
    // the token is in codex's environment only; a test cannot read it, so it mints its own for the step
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "draft" } });
    const { gatewayTokenHash } = await import("@/lib/engine/gateway-tokens");
    const token = `sbg_${"t".repeat(30)}${Math.random().toString(36).slice(2)}`;
    await prisma.runStep.update({ where: { id: step.id }, data: { gatewayTokenHash: gatewayTokenHash(token) } });

    const listed = await gatewayPost(token, { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(["everything__echo"]);
    const unlisted = await gatewayPost(token, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "everything__get-sum", arguments: { a: 1, b: 2 } } });
    expect(((await unlisted.json()) as { result: { isError: boolean } }).result.isError).toBe(true);
    expect(await prisma.toolCall.findFirst({ where: { runStepId: step.id, tool: "get-sum" }, select: { status: true } })).toEqual({ status: "refused" });
    expect((await gatewayPost("sbg_wrongwrongwrongwrongwrong", { jsonrpc: "2.0", id: 3, method: "tools/list" })).status).toBe(401);

    await cancelRun(id, ACTOR);
    await waitForRunStatus(id, ["cancelled"], 30_000);
    expect((await gatewayPost(token, { jsonrpc: "2.0", id: 4, method: "tools/list", params: {} })).status).toBe(401);
    expect(processesMatching(CODEX_NATIVE)).toEqual([]);
  });

  it("gives each step a CODEX_HOME of its own, removed when the step ends, and leaves its gateway token in no file", async () => {
    suite.standin.mode = "hang";
    const before = suite.standin.requests.length;
    const ids = [await queueRun({ pipelineSlug: writeAgentPipeline("codex"), clientSlug: "acme", createdBy: ACTOR }), await queueRun({ pipelineSlug: writeAgentPipeline("codex"), clientSlug: "acme", createdBy: ACTOR })];
    await waitFor(async () => suite.standin.requests.length >= before + 2 && runningCodexSteps().length === 2, 120_000, "both codex steps to call the model");
    const steps = runningCodexSteps();
    // two steps, two homes, each in the data folder and seen by no other step's box
    expect(new Set(steps.map((s) => s.home)).size).toBe(2);
    for (const { home } of steps) {
      expect(home.startsWith(`${dataDir()}${path.sep}`)).toBe(true);
      expect(fs.statSync(home).mode & 0o077).toBe(0);
    }
    // nor does codex write the token into its own home while it runs (its shell snapshot is off)
    const holdingToken = () => filesUnder(dataDir()).filter((f) => steps.some(({ token }) => fs.readFileSync(f).includes(token)));
    expect(holdingToken()).toEqual([]);
    for (const id of ids) await cancelRun(id, ACTOR);
    for (const id of ids) await waitForRunStatus(id, ["cancelled"], 30_000);
    expect(processesMatching(CODEX_NATIVE)).toEqual([]);
    // the homes are gone, and no file in the data folder (what is left of any codex home included) holds a token
    for (const { home } of steps) expect(fs.existsSync(home)).toBe(false);
    expect(holdingToken()).toEqual([]);
  });

  it("a failed tool call, served by the HTTP gateway, ends codex and fails the step naming the tool", async () => {
    suite.standin.mode = "tool-error";
    const failed = await runAgentPipeline(writeAgentPipeline("codex", { tools: ["everything/echo", "everything/get-resource-reference"] }), ["succeeded", "failed"], 120_000);
    expect(failed.draft?.error).toBe("Tool everything/get-resource-reference failed: Invalid resourceId: 0. Must be a finite positive integer.");
    expect(failed.draft?.toolCalls.map((c) => [c.tool, c.status])).toEqual([["get-resource-reference", "failed"]]);
    expect(processesMatching(CODEX_NATIVE)).toEqual([]);
  });

  it("cancel mid-step ends codex and leaves no process behind", async () => {
    suite.standin.mode = "hang";
    const before = suite.standin.requests.length;
    const id = await queueRun({ pipelineSlug: writeAgentPipeline("codex"), clientSlug: "acme", createdBy: ACTOR });
    await waitFor(async () => suite.standin.requests.length > before, 60_000, "codex to call the model");
    expect(processesMatching(CODEX_NATIVE).length).toBeGreaterThan(0);
    await cancelRun(id, ACTOR);
    await waitForRunStatus(id, ["cancelled"], 30_000);
    expect(processesMatching(CODEX_NATIVE)).toEqual([]);
    expect(processesMatching(CODEX_BIN)).toEqual([]);
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "draft" } })).status).toBe("cancelled");
  });

  it("stops a looping agent at its timeout and leaves no process behind", async () => {
    suite.standin.mode = "loop";
    const timed = await runAgentPipeline(writeAgentPipeline("codex", { maxTurns: 500, timeout: "5s" }), ["succeeded", "failed"], 120_000);
    expect(timed.draft?.error).toBe("The agent step timed out after 5 s");
    expect(timed.after?.status).toBe("pending");
    expect(processesMatching(CODEX_NATIVE)).toEqual([]);
  });

  it("stops a looping agent at max_turns and fails clearly on a model API error", async () => {
    suite.standin.mode = "loop";
    const turns = await runAgentPipeline(writeAgentPipeline("codex", { maxTurns: 2 }), ["succeeded", "failed"], 120_000);
    expect(turns.draft?.error).toBe("The agent reached max_turns (2) without a final answer");
    expect(processesMatching(CODEX_NATIVE)).toEqual([]);
    suite.standin.mode = "api-error";
    const failed = await runAgentPipeline(writeAgentPipeline("codex"), ["succeeded", "failed"], 120_000);
    expect(failed.draft?.error).toMatch(/^Codex (failed|ended without an answer).*model is not available/);
  });
});
