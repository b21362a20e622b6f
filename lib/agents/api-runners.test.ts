// The anthropic and openai runners against a stand-in speaking the Messages API's and Chat Completions'
// SSE, with the real gateway, pool and server-everything: tool calls, answers flowing on, refusals,
// limits and API errors.
import { describe, expect, it } from "vitest";
import { runAgentPipeline, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { listStepEvents } from "@/lib/engine/transcript";
import { getRunDetail } from "@/lib/engine/run-detail";
import { STANDIN_ECHO_MESSAGE, STANDIN_USAGE } from "@/lib/testing/model-standin";

const suite = useAgentSuite({
  env: ({ standin }) => ({
    ANTHROPIC_API_KEY: "sk-ant-test-canary-0000",
    ANTHROPIC_BASE_URL: standin,
    OPENAI_API_KEY: "sk-openai-test-canary-0000",
    OPENAI_BASE_URL: `${standin}/v1`,
  }),
});

const cases = [
  { runner: "anthropic" as const, path: "/v1/messages", api: "Anthropic", input: STANDIN_USAGE.input, cacheWrite: STANDIN_USAGE.cacheWrite, reasoning: 0 },
  { runner: "openai" as const, path: "/v1/chat/completions", api: "OpenAI-compatible", input: STANDIN_USAGE.input - STANDIN_USAGE.cacheRead, cacheWrite: 0, reasoning: STANDIN_USAGE.reasoning },
];

describe.each(cases)("$runner runner", { timeout: 120_000 }, ({ runner, path, api, input, cacheWrite, reasoning }) => {
  it("calls server-everything's echo through the gateway and its answer flows into the next step", async () => {
    const { id, run, draft, after } = await runAgentPipeline(writeAgentPipeline(runner));
    expect(run).toMatchObject({ status: "succeeded" });
    const output = JSON.parse(draft?.outputJson ?? "{}");
    expect(output.text).toBe(`Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status, JSON.parse(c.argumentsJson)])).toEqual([["everything", "echo", "succeeded", { message: STANDIN_ECHO_MESSAGE }]]);
    expect(after?.toolCalls[0].resultJson).toContain(`next step got: Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    // two model calls, each reporting the stand-in's usage
    expect([draft?.runner, draft?.model, draft?.turns]).toEqual([runner, "standin-model", 2]);
    expect([draft?.inputTokens, draft?.outputTokens, draft?.cacheReadTokens, draft?.cacheWriteTokens, draft?.reasoningTokens]).toEqual([
      2 * input,
      2 * STANDIN_USAGE.output,
      2 * STANDIN_USAGE.cacheRead,
      2 * cacheWrite,
      2 * reasoning,
    ]);
    // GET /api/runs/<id> sums them; the transcript has the prompt, the text, the usage and the answer
    expect((await getRunDetail(id))?.usage).toMatchObject({ inputTokens: 2 * input, outputTokens: 2 * STANDIN_USAGE.output, cacheReadTokens: 2 * STANDIN_USAGE.cacheRead, reasoningTokens: 2 * reasoning });
    const events = await listStepEvents(id, draft?.id ?? "", {});
    expect(events.items.map((e) => e.type)).toEqual(["status", "prompt", "usage", "usage", "text", "answer", "status"]);
    expect(events.items[1].data).toMatchObject({ text: "Research otters for ACME with the echo tool", runner });
    // only the listed tool was offered, by its gateway name, with its schema and no server details
    const offered = suite.standin.requestsTo(path).at(-1)?.body.tools as { name?: string; function?: { name: string } }[];
    expect(offered.map((t) => t.name ?? t.function?.name)).toEqual(["everything__echo"]);
    expect(JSON.stringify(offered)).not.toContain(process.execPath);
  });

  it("refuses and records a call to a tool the step does not list; the agent reads the refusal", async () => {
    suite.standin.mode = "unlisted";
    const { run, draft } = await runAgentPipeline(writeAgentPipeline(runner));
    expect(run.status).toBe("succeeded");
    expect(draft?.toolCalls.map((c) => [c.tool, c.status, c.error])).toEqual([["not-listed", "refused", 'The tool "everything__not-listed" is not one of this step\'s tools']]);
    expect(JSON.parse(draft?.outputJson ?? "{}").text).toContain("is not one of this step's tools");
  });

  it("fails the step, naming the tool, when a tool call fails; argument-schema rejections go back to the agent", async () => {
    suite.standin.mode = "tool-error";
    const before = suite.standin.requestsTo(path).length;
    const failed = await runAgentPipeline(writeAgentPipeline(runner, { tools: ["everything/echo", "everything/get-resource-reference"] }));
    expect(failed.run.status).toBe("failed");
    expect(failed.draft?.error).toBe("Tool everything/get-resource-reference failed: Invalid resourceId: 0. Must be a finite positive integer.");
    expect(failed.draft?.toolCalls.map((c) => [c.tool, c.status])).toEqual([["get-resource-reference", "failed"]]);
    // the step ended at the failure: the model was not asked again with the error as a result
    expect(suite.standin.requestsTo(path).length - before).toBe(1);
    expect(failed.after?.status).toBe("pending");

    // arguments that do not match the tool's schema are refused before anything is sent; the agent reads why
    suite.standin.failingTool = { suffix: "get-resource-reference", args: { resourceId: "one" } };
    try {
      const refused = await runAgentPipeline(writeAgentPipeline(runner, { tools: ["everything/echo", "everything/get-resource-reference"], timeout: "2s" }));
      expect(refused.draft?.toolCalls.map((c) => [c.tool, c.status, c.error])).toEqual([["get-resource-reference", "refused", "Invalid arguments for everything/get-resource-reference: resourceId: must be number"]]);
      // the agent went on after the refusal (this stand-in then waits for ever, so its timeout ends it)
      expect(refused.draft?.error).toBe("The agent step timed out after 2 s");
    } finally {
      suite.standin.failingTool = { suffix: "get-resource-reference", args: { resourceId: 0 } };
    }
  });

  it("stops a looping agent at max_turns and at its timeout", async () => {
    suite.standin.mode = "loop";
    const turns = await runAgentPipeline(writeAgentPipeline(runner, { maxTurns: 3 }));
    expect(turns.run.status).toBe("failed");
    expect(turns.draft?.error).toBe("The agent reached max_turns (3) without a final answer");
    expect(turns.draft?.toolCalls).toHaveLength(3);

    const timed = await runAgentPipeline(writeAgentPipeline(runner, { maxTurns: 500, timeout: "1s" }));
    expect(timed.draft?.error).toBe("The agent step timed out after 1 s");
    expect(timed.after?.status).toBe("pending");
  });

  it("fails the step clearly on a model API error and when a listed server cannot start", async () => {
    suite.standin.mode = "api-error";
    const failed = await runAgentPipeline(writeAgentPipeline(runner));
    expect(failed.draft?.error).toBe(`The ${api} API failed (HTTP 400): stand-in: the model is not available`);
    expect(failed.run.error).not.toContain("test-canary");

    suite.standin.mode = "echo";
    const broken = await runAgentPipeline(writeAgentPipeline(runner, { tools: ["broken/*"] }));
    // pre-flight finds it before the agent step starts, so no model request is spent on it
    expect(broken.draft?.error).toMatch(/^Pre-flight: .*step "draft" \(broken\): Could not start "broken"/);
  });
});
