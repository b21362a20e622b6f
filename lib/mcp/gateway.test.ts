// The gateway on its own: exactly the listed tools, refusals recorded under the step, a client's
// unapproved server never started nor offered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ensureClient } from "@/lib/testing/engine";
import { exposedToolName, GatewaySession, GatewayUnavailableError, isToolAllowed } from "@/lib/mcp/gateway";
import type { GatewayToolFailed } from "@/lib/mcp/gateway-failure";
import { getMcpPool } from "@/lib/mcp/pool";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";

async function agentStepRow() {
  const run = await prisma.run.create({
    data: { pipelineSlug: "gw", pipelineName: "Gateway", pipelineJson: "{}", status: "running", steps: { create: { stepId: "a", position: 0, kind: "agent", status: "running" } } },
    select: { id: true, steps: { select: { id: true } } },
  });
  return { runId: run.id, runStepId: run.steps[0].id, afterApproval: false, beforeApproval: false };
}

beforeAll(async () => {
  await ensureClient("acme");
  writeMcpJson({
    everything: { command: process.execPath, args: [EVERYTHING, "stdio"], env: { SECRET_TOKEN: "canary-gateway-secret-123" } },
    slow: { command: process.execPath, args: [EVERYTHING, "stdio"], timeout: 500 },
  });
  writeMcpJson({ sneaky: { command: process.execPath, args: [EVERYTHING, "stdio"] } }, "clients/acme/.mcp.json");
});

afterAll(async () => {
  await getMcpPool().shutdown();
});

describe("MCP gateway", () => {
  it("matches server/tool and server/* and names tools in the characters model APIs accept", () => {
    expect(isToolAllowed(["everything/echo"], "everything", "echo")).toBe(true);
    expect(isToolAllowed(["everything/echo"], "everything", "get-sum")).toBe(false);
    expect(isToolAllowed(["everything/*"], "everything", "get-sum")).toBe(true);
    expect(isToolAllowed(["everything/*"], "every", "echo")).toBe(false);
    expect(exposedToolName("my.server", "do.it")).toBe("my_server__do_it");
    expect(exposedToolName("s", "x".repeat(100))).toHaveLength(64);
  });

  it("offers exactly the listed tools, with nothing of the server's command or env", async () => {
    const step = await agentStepRow();
    const one = new GatewaySession({ ...step, clientSlug: "acme", allow: ["everything/echo"] });
    expect((await one.listTools()).map((t) => t.name)).toEqual(["everything__echo"]);
    const all = await new GatewaySession({ ...step, clientSlug: null, allow: ["everything/*"] }).listTools();
    expect(all.length).toBeGreaterThan(5);
    expect(all.map((t) => t.name)).toContain("everything__get-sum");
    const exposed = JSON.stringify(all);
    expect(exposed).not.toContain("canary-gateway-secret-123");
    expect(exposed).not.toContain(EVERYTHING);
  });

  it("records a sent call, and records as refused an unlisted tool and arguments that do not match the schema", async () => {
    const step = await agentStepRow();
    const gateway = new GatewaySession({ ...step, clientSlug: null, allow: ["everything/echo"] });
    const ok = await gateway.call("everything__echo", { message: "hi" });
    expect([ok.isError, ok.content]).toEqual([false, [{ type: "text", text: "Echo: hi" }]]);
    const unlisted = await gateway.call("everything/get-sum", { a: 1, b: 2 });
    expect([unlisted.isError, unlisted.refused]).toEqual([true, true]);
    const invalid = await gateway.call("everything__echo", { message: 42 });
    expect(invalid.error).toBe("Invalid arguments for everything/echo: message: must be string");
    const calls = await prisma.toolCall.findMany({ where: { runStepId: step.runStepId }, orderBy: { startedAt: "asc" } });
    expect(calls.map((c) => [c.tool, c.status, c.runId])).toEqual([
      ["echo", "succeeded", step.runId],
      ["get-sum", "refused", step.runId],
      ["echo", "refused", step.runId],
    ]);
    expect(calls[1].error).toBe('The tool "everything/get-sum" is not one of this step\'s tools');
  });

  it("reports a tool's error and a call timeout as failures of the step; a refusal is not one", async () => {
    const step = await agentStepRow();
    const failures: GatewayToolFailed[] = [];
    const gateway = new GatewaySession({ ...step, clientSlug: null, allow: ["everything/echo", "everything/get-resource-reference", "slow/trigger-long-running-operation"] }, { onToolFailure: (f) => failures.push(f) });
    expect((await gateway.call("everything__echo", { message: 42 })).refused).toBe(true);
    expect(failures).toEqual([]);
    await gateway.call("everything__get-resource-reference", { resourceId: 0 });
    // no progress is asked for, so the 500 ms timeout of "slow" ends a 30 s operation
    await gateway.call("slow__trigger-long-running-operation", { duration: 30, steps: 1 });
    expect(failures.map((f) => f.message)).toEqual([
      "Tool everything/get-resource-reference failed: Invalid resourceId: 0. Must be a finite positive integer.",
      "Tool slow/trigger-long-running-operation failed: Timed out: no answer or progress for 1 s",
    ]);
    const calls = await prisma.toolCall.findMany({ where: { runStepId: step.runStepId }, orderBy: { startedAt: "asc" }, select: { tool: true, status: true } });
    expect(calls.map((c) => [c.tool, c.status])).toEqual([
      ["echo", "refused"],
      ["get-resource-reference", "failed"],
      ["trigger-long-running-operation", "unknown"],
    ]);
  });

  it("never reaches a client's server an admin has not approved", async () => {
    const step = await agentStepRow();
    const before = getMcpPool().childPids().length;
    const gateway = new GatewaySession({ ...step, clientSlug: "acme", allow: ["sneaky/*"] });
    await expect(gateway.listTools()).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(gateway.call("sneaky__echo", { message: "x" })).rejects.toThrow(/approv/i);
    const mixed = new GatewaySession({ ...step, clientSlug: "acme", allow: ["everything/echo"] });
    const refused = await mixed.call("sneaky__echo", { message: "x" });
    expect(refused.refused).toBe(true);
    expect(getMcpPool().childPids().length).toBeLessThanOrEqual(before);
    expect(await prisma.toolCall.count({ where: { runStepId: step.runStepId, status: { not: "refused" } } })).toBe(0);
  });
});
