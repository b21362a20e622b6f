// A 2026-07-28-only server (lib/testing/fixtures/modern-server.mjs: initialize refused) through everything
// that uses MCP: a pipeline's tool steps, the agents' gateway and an agent step, beside the 2025-era
// server-everything in the same workspace; and each call carries its run's trace context.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { queueRun } from "@/lib/engine/queue-run";
import { GatewaySession } from "@/lib/mcp/gateway";
import { getMcpPool } from "@/lib/mcp/pool";
import { runTraceId, spanId } from "@/lib/mcp/trace";
import { runAgentPipeline, suffix, useAgentSuite } from "@/lib/testing/agents";
import { ACTOR, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { modernServerEntry } from "@/lib/testing/modern-server";

const suite = useAgentSuite({ env: ({ standin }) => ({ ANTHROPIC_API_KEY: "sk-ant-test-canary-0000", ANTHROPIC_BASE_URL: standin }) });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sb-modern-"));
const callsFile = path.join(tmp, "calls.jsonl");

beforeAll(() => {
  // after the suite's own workspace: the modern server beside server-everything
  writeMcpJson({ everything: { command: process.execPath, args: [EVERYTHING, "stdio"] }, modern: modernServerEntry({ CALLS_FILE: callsFile }) });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("a 2026-07-28-only server", { timeout: 120_000 }, () => {
  it("runs a pipeline's tool steps, beside a 2025-era server, each call in the run's trace", async () => {
    const slug = `modern-steps-${suffix()}`;
    writePipeline(
      slug,
      `name: Modern steps
steps:
  - id: sum
    tool: modern/add
    args: { a: 2, b: 40 }
  - id: traced
    tool: modern/trace
    args: {}
  - id: older
    tool: everything/echo
    args: { message: "sum {{ steps.sum.text }}" }
`,
    );
    const runId = await queueRun({ pipelineSlug: slug, createdBy: ACTOR });
    const run = await waitForRunStatus(runId, ["succeeded", "failed"]);
    const calls = await prisma.toolCall.findMany({ where: { runId }, orderBy: { startedAt: "asc" }, include: { runStep: true } });
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    expect(calls.map((c) => [c.server, c.tool, c.status])).toEqual([
      ["modern", "add", "succeeded"],
      ["modern", "trace", "succeeded"],
      ["everything", "echo", "succeeded"],
    ]);
    expect(JSON.parse(calls[0].resultJson ?? "{}").structuredContent).toEqual({ sum: 42 });
    expect(calls[2].resultJson).toContain("Echo: sum 42");
    // the server saw the run's trace id, and the recorded call's own span as parent
    const seen = JSON.parse(calls[1].resultJson ?? "{}").structuredContent.traceparent as string;
    expect(seen).toBe(`00-${runTraceId(runId)}-${spanId("call", calls[1].id)}-01`);
    const pool = getMcpPool();
    expect(pool.connectionState(await pool.resolve("modern"))?.revision?.version).toBe("2026-07-28");
    expect(pool.connectionState(await pool.resolve("everything"))?.revision?.version).toBe("2025-11-25");
  });

  it("is offered and called through the agents' gateway, by the step's allow-list", async () => {
    const run = await prisma.run.create({
      data: { pipelineSlug: "gw", pipelineName: "Gateway", pipelineJson: "{}", status: "running", steps: { create: { stepId: "a", position: 0, kind: "agent", status: "running" } } },
      select: { id: true, steps: { select: { id: true } } },
    });
    const gateway = new GatewaySession({ runId: run.id, runStepId: run.steps[0].id, afterApproval: false, beforeApproval: false, clientSlug: null, allow: ["modern/echo", "modern/add"] });
    expect((await gateway.listTools()).map((t) => t.name).sort()).toEqual(["modern__add", "modern__echo"]);
    const echoed = await gateway.call("modern__echo", { text: "through the gateway" });
    expect([echoed.isError, echoed.content]).toEqual([false, [{ type: "text", text: "through the gateway" }]]);
    expect((await gateway.call("modern__trace", {})).refused).toBe(true);
  });

  it("serves an agent step: the model calls its tool through the gateway and the answer flows on", async () => {
    const slug = `modern-agent-${suffix()}`;
    writePipeline(
      slug,
      `name: Modern agent
steps:
  - id: draft
    agent:
      runner: anthropic
      prompt: "Say hello through the modern echo tool"
      tools: ["modern/echo"]
      model: standin-model
  - id: after
    tool: modern/echo
    args: { text: "next step got: {{ steps.draft.text }}" }
`,
    );
    suite.standin.script = ({ tools, lastResult }) => {
      const echo = tools.find((t) => t.name === "modern__echo");
      if (lastResult === null && echo) return { kind: "tool", name: echo.name, args: { text: "hello, 2026" } };
      return lastResult === null ? null : { kind: "text", text: `Final answer: ${lastResult}` };
    };
    try {
      const { run, draft, after } = await runAgentPipeline(slug);
      expect([run.status, run.error]).toEqual(["succeeded", null]);
      expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status])).toEqual([["modern", "echo", "succeeded"]]);
      expect(after?.toolCalls[0].resultJson).toContain("next step got: Final answer: hello, 2026");
    } finally {
      suite.standin.script = null;
    }
  });
});
