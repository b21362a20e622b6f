// The claude-code runner with the real Claude Code binary (the one the Agent SDK ships), an isolated
// HOME, and a stand-in for the Anthropic API speaking its real SSE: the gateway is its only MCP server.
import { describe, expect, it } from "vitest";
import { runAgentPipeline, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { CLAUDE_BIN, processesMatching } from "@/lib/testing/agent-clis";
import { prisma } from "@/lib/db/client";
import { ACTOR, waitForRunStatus } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun } from "@/lib/engine/run-control";
import { STANDIN_ECHO_MESSAGE, STANDIN_USAGE } from "@/lib/testing/model-standin";

const suite = useAgentSuite({
  cli: true,
  env: ({ standin }) => ({ ANTHROPIC_API_KEY: "sk-ant-test-canary-0000", ANTHROPIC_BASE_URL: standin, SWITCHBOARD_CLAUDE_BIN: CLAUDE_BIN }),
});

// a real CLI on a shared, loaded machine can take far longer than the default 30 s
describe("claude-code runner", { timeout: 240_000 }, () => {
  it("calls server-everything's echo through the in-process gateway and its answer flows into the next step", async () => {
    const { run, draft, after } = await runAgentPipeline(writeAgentPipeline("claude-code"), ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    expect(JSON.parse(draft?.outputJson ?? "{}").text).toBe(`Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status])).toEqual([["everything", "echo", "succeeded"]]);
    expect(after?.toolCalls[0].resultJson).toContain(`next step got: Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    expect(draft?.runner).toBe("claude-code");
    expect(draft?.inputTokens).toBeGreaterThanOrEqual(STANDIN_USAGE.input);
    expect(draft?.outputTokens).toBeGreaterThanOrEqual(STANDIN_USAGE.output);
    // Claude Code was offered the gateway's tool and none of its own
    const offered = ((suite.standin.requestsTo("/v1/messages").at(-1)?.body.tools ?? []) as { name: string }[]).map((t) => t.name);
    expect(offered.filter((n) => n.startsWith("mcp__"))).toEqual(["mcp__switchboard__everything__echo"]);
    expect(offered.filter((n) => ["Bash", "Read", "Write", "Edit", "WebFetch", "Glob", "Grep", "Task"].includes(n))).toEqual([]);
  });

  it("reports each model call's usage as it happens (budgets and interrupted steps need it), each token counted once", async () => {
    const before = suite.standin.requestsTo("/v1/messages").length;
    const { id, run, draft } = await runAgentPipeline(writeAgentPipeline("claude-code"), ["succeeded", "failed"], 120_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    const calls = suite.standin.requestsTo("/v1/messages").length - before;
    expect(calls).toBeGreaterThanOrEqual(2); // the echo call, then the final answer
    const usageEvents = await prisma.runEvent.count({ where: { runId: id, runStepId: draft?.id, type: "usage" } });
    expect(usageEvents).toBeGreaterThanOrEqual(2);
    expect([draft?.inputTokens, draft?.outputTokens, draft?.cacheReadTokens, draft?.cacheWriteTokens]).toEqual([
      calls * STANDIN_USAGE.input,
      calls * STANDIN_USAGE.output,
      calls * STANDIN_USAGE.cacheRead,
      calls * STANDIN_USAGE.cacheWrite,
    ]);
  });

  it("cancel mid-step ends Claude Code and leaves no process behind", async () => {
    suite.standin.mode = "hang";
    const before = suite.standin.requests.length;
    const id = await queueRun({ pipelineSlug: writeAgentPipeline("claude-code"), clientSlug: "acme", createdBy: ACTOR });
    await waitFor(async () => suite.standin.requests.length > before, 60_000, "Claude Code to call the model");
    expect(processesMatching(CLAUDE_BIN).length).toBeGreaterThan(0);
    await cancelRun(id, ACTOR);
    await waitForRunStatus(id, ["cancelled"], 30_000);
    expect(processesMatching(CLAUDE_BIN)).toEqual([]);
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "draft" } })).status).toBe("cancelled");
  });

  it("a failed tool call ends Claude Code and fails the step naming the tool", async () => {
    suite.standin.mode = "tool-error";
    const failed = await runAgentPipeline(writeAgentPipeline("claude-code", { tools: ["everything/echo", "everything/get-resource-reference"] }), ["succeeded", "failed"], 120_000);
    expect(failed.draft?.error).toBe("Tool everything/get-resource-reference failed: Invalid resourceId: 0. Must be a finite positive integer.");
    expect(failed.draft?.toolCalls.map((c) => [c.tool, c.status])).toEqual([["get-resource-reference", "failed"]]);
    expect(processesMatching(CLAUDE_BIN)).toEqual([]);
  });

  it("stops a looping agent at its timeout and leaves no process behind", async () => {
    suite.standin.mode = "loop";
    const timed = await runAgentPipeline(writeAgentPipeline("claude-code", { maxTurns: 500, timeout: "5s" }), ["succeeded", "failed"], 120_000);
    expect(timed.draft?.error).toBe("The agent step timed out after 5 s");
    expect(timed.after?.status).toBe("pending");
    expect(processesMatching(CLAUDE_BIN)).toEqual([]);
  });

  it("stops at max_turns and fails clearly on a model API error", async () => {
    suite.standin.mode = "loop";
    const turns = await runAgentPipeline(writeAgentPipeline("claude-code", { maxTurns: 2 }), ["succeeded", "failed"], 120_000);
    expect(turns.draft?.error).toBe("The agent reached max_turns (2) without a final answer");
    suite.standin.mode = "api-error";
    const failed = await runAgentPipeline(writeAgentPipeline("claude-code"), ["succeeded", "failed"], 120_000);
    expect(failed.draft?.error).toMatch(/^Claude Code failed: .*stand-in: the model is not available/);
    expect(processesMatching(CLAUDE_BIN)).toEqual([]);
  });
});
