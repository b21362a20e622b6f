// Exactly once with a real MCP server over stdio (lib/testing/fixtures/exactly-once-server.mjs): a call
// whose outcome is unknown is never re-sent under a new idempotency key by Retry unless the tool is
// read-only or idempotent, and every call carries its key in the request's _meta.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { ACTOR, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun, resolveUnknownOutcome, retryRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { callTool, IDEMPOTENCY_META_KEY } from "@/lib/mcp/send-call";
import { toolResultText } from "@/lib/mcp/tool-result";
import { getMcpPool } from "@/lib/mcp/pool";
import { writeMcpJson } from "@/lib/testing/mcp-servers";

const FIXTURE = path.resolve("lib/testing/fixtures/exactly-once-server.mjs");
let worker: Worker;

type Received = { tool: string; key: string | null; meta: Record<string, unknown>; args: { title?: string } };
async function receivedFor(title: string): Promise<Received[]> {
  const result = await callTool({ server: "once", tool: "received", arguments: {} });
  return (JSON.parse(toolResultText(result)) as Received[]).filter((r) => r.args.title === title);
}

function pipeline(slug: string, tool: string, args: string, timeout?: string) {
  writePipeline(slug, `name: ${slug}\ninputs:\n  title: { type: string, required: true }\nsteps:\n  - id: publish\n    tool: once/${tool}\n    args: ${args}\n${timeout ? `    timeout: ${timeout}\n` : ""}`);
}

const unique = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`;
const latestStep = async (runId: string) => (await stepRows(runId)).at(-1);

beforeAll(async () => {
  writeMcpJson({ once: { command: process.execPath, args: [FIXTURE] } });
  // the check link for an unknown outcome sits beside mcpServers, never inside an entry
  const file = path.join(workspaceDir(), "mcp.json");
  const config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  process.env.EXACTLY_ONCE_TEST_SITE = "https://blog.example.test";
  fs.writeFileSync(file, JSON.stringify({ ...config, switchboard: { servers: { once: { checkUrl: "${EXACTLY_ONCE_TEST_SITE}/wp-admin/edit.php" } } } }));
  pipeline("once-publish", "publish", '{ title: "{{ inputs.title }}" }');
  pipeline("once-publish-hang", "publish", '{ title: "{{ inputs.title }}", hang: true }', "300ms");
  pipeline("once-publish-hang-long", "publish", '{ title: "{{ inputs.title }}", hang: true }');
  pipeline("once-create-mismatch", "create", '{ title: "{{ inputs.title }}", answer: mismatch }');
  pipeline("once-create-missing", "create", '{ title: "{{ inputs.title }}", answer: missing }');
  pipeline("once-create-malformed", "create", '{ title: "{{ inputs.title }}", answer: malformed }');
  pipeline("once-lookup-hang", "lookup", '{ title: "{{ inputs.title }}", hang: true }', "300ms");
  worker = await new Worker({ pollMs: 20, leaseMs: 10_000, controlMs: 50 }).start();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
});

describe("the idempotency key", () => {
  it("travels with each call in the request's _meta", async () => {
    const title = unique("meta");
    const runId = await queueRun({ pipelineSlug: "once-publish", inputs: { title }, createdBy: ACTOR });
    await waitForRunStatus(runId, ["succeeded"], 20_000);
    const [call] = await receivedFor(title);
    expect(call.key).toBe(`${runId}:publish:1`);
    expect(call.meta[IDEMPOTENCY_META_KEY]).toBe(`${runId}:publish:1`);
  });
});

describe("an answer outside the tool's own output schema", () => {
  // the server acted and answered: its answer is the call's result, never a failure that Retry would send again
  for (const answer of ["mismatch", "missing"]) {
    it(`(${answer === "mismatch" ? "structured content of the wrong type" : "no structured content"}) is the call's result, and the call is made once`, async () => {
      const title = unique(`create-${answer}`);
      const runId = await queueRun({ pipelineSlug: `once-create-${answer}`, inputs: { title }, createdBy: ACTOR });
      const run = await waitForRunStatus(runId, ["succeeded", "failed"], 20_000);
      expect(run.error ?? null).toBeNull();
      expect(run.status).toBe("succeeded");
      const call = await prisma.toolCall.findFirstOrThrow({ where: { runId } });
      expect(call.status).toBe("succeeded");
      expect(JSON.parse(call.resultJson ?? "{}").content).toEqual([{ type: "text", text: `created ${title}` }]);
      expect(await receivedFor(title)).toHaveLength(1);
    });
  }
});

describe("an answer that is not a tool result", () => {
  it("leaves the outcome unknown (the server may have acted before it answered badly): Retry does not send it again", async () => {
    const title = unique("create-malformed");
    const runId = await queueRun({ pipelineSlug: "once-create-malformed", inputs: { title }, createdBy: ACTOR });
    expect((await waitForRunStatus(runId, ["failed"], 20_000)).error).toMatch(/outcome is unknown/);
    expect((await prisma.toolCall.findFirstOrThrow({ where: { runId } })).status).toBe("unknown");
    await retryRun(runId, ACTOR);
    await waitForRunStatus(runId, ["waiting"], 20_000);
    expect(await latestStep(runId)).toMatchObject({ attempt: 2, status: "waiting" });
    expect(await receivedFor(title)).toHaveLength(1);
  });
});

describe("Retry after a call whose outcome is unknown", () => {
  it("a timed-out call of a tool that is not read-only is not sent again: the step waits as outcome unknown, also after a cancel", async () => {
    const title = unique("timeout");
    const runId = await queueRun({ pipelineSlug: "once-publish-hang", inputs: { title }, createdBy: ACTOR });
    expect((await waitForRunStatus(runId, ["failed"], 20_000)).error).toMatch(/outcome is unknown/);
    expect((await prisma.toolCall.findFirstOrThrow({ where: { runId } })).status).toBe("unknown");

    await retryRun(runId, ACTOR);
    await waitForRunStatus(runId, ["waiting"], 20_000);
    expect(await latestStep(runId)).toMatchObject({ attempt: 2, status: "waiting", outputJson: JSON.stringify({ outcomeUnknown: true, idempotencyKey: `${runId}:publish:1` }) });
    // GET /api/runs/<id> (and the run page) give the waiting step the server's link to check
    const waiting = (await getRunDetail(runId))?.steps.find((st) => st.status === "waiting");
    expect(waiting?.outcomeUnknown).toEqual({ idempotencyKey: `${runId}:publish:1`, server: "once", tool: "publish", checkUrl: "https://blog.example.test/wp-admin/edit.php" });
    // a cancel and another Retry do not get around the human decision either
    await cancelRun(runId, ACTOR);
    await retryRun(runId, ACTOR);
    await waitForRunStatus(runId, ["waiting"], 20_000);
    expect((await receivedFor(title)).map((r) => r.key)).toEqual([`${runId}:publish:1`]);

    // a human who checked and chooses to send it again gets a new key
    await resolveUnknownOutcome({ runId, stepId: "publish", action: "retry", actor: ACTOR });
    await waitForRunStatus(runId, ["failed"], 20_000);
    expect((await receivedFor(title)).map((r) => r.key)).toEqual([`${runId}:publish:1`, `${runId}:publish:4`]);
  });

  it("a read-only tool that timed out is sent again under the same key", async () => {
    const title = unique("lookup");
    const runId = await queueRun({ pipelineSlug: "once-lookup-hang", inputs: { title }, createdBy: ACTOR });
    await waitForRunStatus(runId, ["failed"], 20_000);
    await retryRun(runId, ACTOR);
    await waitForRunStatus(runId, ["succeeded"], 20_000);
    expect((await receivedFor(title)).map((r) => r.key)).toEqual([`${runId}:publish:1`, `${runId}:publish:1`]);
  });

  it("a call cancelled mid-way is not sent again by Retry", async () => {
    const title = unique("cancel");
    const runId = await queueRun({ pipelineSlug: "once-publish-hang-long", inputs: { title }, createdBy: ACTOR });
    await waitFor(async () => (await receivedFor(title)).length === 1, 20_000, "the call to arrive");
    await cancelRun(runId, ACTOR);
    await waitForRunStatus(runId, ["cancelled"], 20_000);
    expect((await prisma.toolCall.findFirstOrThrow({ where: { runId } })).status).toBe("unknown");
    await retryRun(runId, ACTOR);
    await waitForRunStatus(runId, ["waiting"], 20_000);
    expect((await latestStep(runId))?.error).toMatch(/Outcome unknown/);
    expect(await receivedFor(title)).toHaveLength(1);
  });

  it("a call whose step write failed after it returned (the call still recorded as started) is not sent again", async () => {
    const title = unique("write-failed");
    const runId = await queueRun({ pipelineSlug: "once-publish", inputs: { title }, createdBy: ACTOR });
    await waitForRunStatus(runId, ["succeeded"], 20_000);
    // the state a failed commit of the step's result leaves, as the worker's unexpected-error path writes it
    const step = await latestStep(runId);
    await prisma.runStep.update({ where: { id: step?.id }, data: { status: "failed", outputJson: null, error: "The worker hit an unexpected error" } });
    await prisma.toolCall.updateMany({ where: { runId }, data: { status: "started", resultJson: null, finishedAt: null } });
    await prisma.run.update({ where: { id: runId }, data: { status: "failed" } });

    await retryRun(runId, ACTOR);
    await waitForRunStatus(runId, ["waiting"], 20_000);
    expect(await latestStep(runId)).toMatchObject({ attempt: 2, status: "waiting" });
    expect(await receivedFor(title)).toHaveLength(1);
  });
});
