// Ad-hoc tool calls are their own kind of run: trigger "adhoc", no pipeline, listed with the tool they
// called, never cancelled or retried by the engine (it cannot), and failed by recovery only when the
// process that made the call died.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { callToolAdHoc, listRecentAdHocCalls } from "@/lib/engine/adhoc-calls";
import { ensureClient } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";
import { recoverInterruptedRuns } from "@/lib/engine/recovery";
import { cancelRun, retryRun } from "@/lib/engine/run-control";
import { listRuns } from "@/lib/engine/run-list";
import { getRunDetail } from "@/lib/engine/run-detail";
import { getMcpPool } from "@/lib/mcp/pool";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";

const ADA = { id: null, label: "ada@example.com" };

beforeAll(async () => {
  await ensureClient("acme");
  writeMcpJson({ everything: { command: "node", args: [EVERYTHING, "stdio"] } });
});

afterAll(() => getMcpPool().shutdown());

describe("an ad-hoc tool call", () => {
  it("is a run of its own kind: trigger adhoc, no pipeline, named by its tool, with its result", async () => {
    const message = `adhoc-${Math.random().toString(36).slice(2, 8)}`;
    const result = await callToolAdHoc({ server: "everything", tool: "echo", arguments: { message }, clientSlug: "acme" }, ADA);
    expect(result.content).toEqual([{ type: "text", text: `Echo: ${message}` }]);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: result.runId }, include: { steps: true, toolCalls: true } });
    expect([run.trigger, run.pipelineSlug, run.pipelineName, run.status, run.createdByLabel, run.leaseOwner]).toEqual(["adhoc", "", "everything/echo", "succeeded", ADA.label, null]);
    expect(run.steps.map((s) => [s.kind, s.status])).toEqual([["tool", "succeeded"]]);
    expect(run.toolCalls.map((c) => c.status)).toEqual(["succeeded"]);

    const listed = await listRuns({ trigger: "adhoc", limit: 200 });
    expect(listed.items.every((r) => r.trigger === "adhoc")).toBe(true);
    expect(listed.items.find((r) => r.id === run.id)?.call).toEqual({ server: "everything", tool: "echo" });
    expect((await listRuns({ clientSlug: "acme", limit: 200 })).items.some((r) => r.id === run.id)).toBe(true);

    const recent = await listRecentAdHocCalls(5);
    const shown = recent.find((c) => c.id === run.id);
    expect(shown?.call).toEqual({ server: "everything", tool: "echo" });
    expect(shown?.toolCall?.arguments).toEqual({ message });
    expect(JSON.stringify(shown?.toolCall?.result)).toContain(`Echo: ${message}`);
  });

  it("is never offered a retry or a cancel, and the engine refuses both with a clear 409", async () => {
    const result = await callToolAdHoc({ server: "everything", tool: "get-sum", arguments: { a: 1, b: 2 } }, ADA);
    await prisma.run.update({ where: { id: result.runId }, data: { status: "failed" } });
    const detail = await getRunDetail(result.runId);
    expect([detail?.call, detail?.canRetry, detail?.canCancel]).toEqual([{ server: "everything", tool: "get-sum" }, false, false]);
    await expect(retryRun(result.runId, ADA)).rejects.toMatchObject({ status: 409, message: "An ad-hoc tool call cannot be retried: call the tool again from /tools" });
    expect(await prisma.runStep.count({ where: { runId: result.runId } })).toBe(1);
    await prisma.run.update({ where: { id: result.runId }, data: { status: "running" } });
    await expect(cancelRun(result.runId, ADA)).rejects.toMatchObject({ status: 409 });
    await prisma.run.update({ where: { id: result.runId }, data: { status: "succeeded" } });
  });

  it("refused before anything is sent (bad arguments, unknown tool) records nothing", async () => {
    const before = await prisma.run.count({ where: { trigger: "adhoc" } });
    await expect(callToolAdHoc({ server: "everything", tool: "echo", arguments: { message: 42 } }, ADA)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/message: must be string/) });
    await expect(callToolAdHoc({ server: "everything", tool: "no-such-tool", arguments: {} }, ADA)).rejects.toMatchObject({ status: 400 });
    expect(await prisma.run.count({ where: { trigger: "adhoc" } })).toBe(before);
  });

  it("the worker's recovery leaves a call under way alone, and fails one whose process died with its outcome unknown", async () => {
    const pending = callToolAdHoc({ server: "everything", tool: "trigger-long-running-operation", arguments: { duration: 1, steps: 2 } }, ADA);
    await waitFor(async () => (await prisma.run.count({ where: { trigger: "adhoc", status: "running" } })) === 1);
    const sweep = await recoverInterruptedRuns();
    expect(sweep.failed.length + sweep.resumed.length).toBe(0);
    const done = await pending;
    const run = await prisma.run.findUniqueOrThrow({ where: { id: done.runId }, include: { steps: true } });
    expect([run.status, run.steps.length, run.leaseOwner]).toEqual(["succeeded", 1, null]);

    // what a killed process leaves: the ad-hoc run running, its call started, the lease run out
    await prisma.run.update({ where: { id: run.id }, data: { status: "running", leaseOwner: "adhoc-1", leaseExpiresAt: new Date(Date.now() - 1_000) } });
    await prisma.runStep.updateMany({ where: { runId: run.id }, data: { status: "running" } });
    await prisma.toolCall.updateMany({ where: { runId: run.id }, data: { status: "started" } });
    const after = await recoverInterruptedRuns();
    expect(after.failed).toContain(run.id);
    const failed = await prisma.run.findUniqueOrThrow({ where: { id: run.id }, include: { steps: true, toolCalls: true } });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/Interrupted: Switchboard stopped during this call/);
    expect(failed.steps.map((s) => s.status)).toEqual(["failed"]);
    expect(failed.toolCalls.map((c) => c.status)).toEqual(["unknown"]);
  });
});
