// Switchboard's own MCP server (/api/mcp) on protocol revision 2026-07-28: a client of the v2 SDK, with
// no initialize (server/discover, then the version and capabilities in each request's _meta), against
// the same stateless handler that serves the 2025-11-25 clients of operator-mcp.test.ts. Real tokens, a
// real database and a real worker (its tool steps answered by the scripted runner).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/client";
import { prisma } from "@/lib/db/client";
import { Worker } from "@/lib/engine/worker";
import { queueRun } from "@/lib/engine/queue-run";
import { resetEnvForTests } from "@/lib/env";
import { IDEMPOTENCY_META_KEY } from "@/lib/operator-mcp/operator-tools.schema";
import { ACTOR, ensureClient, ScriptedRunner, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { connectModernClient, postModern, resultText, startOperatorMcpServer, structured, userWithToken } from "@/lib/testing/operator-mcp";

const PUBLIC = "https://ops-v2.example.test";
const MODERN = "2026-07-28";
const READ_TOOLS = ["whats_waiting", "list_clients", "client_history", "get_client_memory", "list_pipelines", "get_run", "list_runs", "get_draft", "list_heartbeats", "get_spend"];
const RUN_TOOLS = ["run_pipeline", "cancel_run", "retry_run", "edit_draft", "approve_draft", "reject_draft", "pause_heartbeat", "resume_heartbeat", "run_heartbeat_now"];

const runner = new ScriptedRunner();
let worker: Worker;
let server: Awaited<ReturnType<typeof startOperatorMcpServer>>;
let tokens: Record<"read" | "run", Awaited<ReturnType<typeof userWithToken>>>;
const clients: Client[] = [];

async function client(token: string, mode: "auto" | { pin: string } = { pin: MODERN }) {
  const c = await connectModernClient(server.url, token, mode);
  clients.push(c);
  return c;
}

async function waitingDraft(topic: string) {
  writePipeline(
    `v2-post-${topic}`,
    `name: V2 post ${topic}
inputs:
  topic: { type: string, required: true }
steps:
  - id: review
    approval: { title: "Post about {{ inputs.topic }}", body: "Draft about {{ inputs.topic }}" }
  - id: publish
    tool: test/echo
    args: { message: "{{ steps.review.title }}" }
`,
  );
  const runId = await queueRun({ pipelineSlug: `v2-post-${topic}`, clientSlug: "initech", inputs: { topic }, createdBy: ACTOR });
  await waitForRunStatus(runId, ["waiting"]);
  const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } });
  return { runId, draftId: draft.id };
}

function modernPost(token: string, method: string, revision = MODERN, params: Record<string, unknown> = {}) {
  return postModern(server.url, token, method, revision, params);
}

beforeAll(async () => {
  process.env.SWITCHBOARD_URL = PUBLIC;
  resetEnvForTests();
  await ensureClient("initech");
  worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
  server = await startOperatorMcpServer();
  tokens = { read: await userWithToken("read"), run: await userWithToken("run") };
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await server?.close();
  await worker?.stop({ graceMs: 1_000 });
});

describe("revision 2026-07-28", () => {
  it("a pinned v2 client discovers the server (no initialize) and an auto one picks the new revision", async () => {
    const pinned = await client(tokens.read.token);
    expect(pinned.getProtocolEra()).toBe("modern");
    const discovered = pinned.getDiscoverResult();
    expect(discovered?.supportedVersions).toContain(MODERN);
    expect(pinned.getServerVersion()?.name).toBe("switchboard");
    expect(discovered?.capabilities.tools).toBeDefined();
    expect(discovered?.instructions).toMatch(/whats_waiting/);
    const auto = await client(tokens.read.token, "auto");
    expect(auto.getProtocolEra()).toBe("modern");
  });

  it("a read token lists only the read tools; a run token lists them all", async () => {
    const read = (await (await client(tokens.read.token)).listTools()).tools;
    expect(read.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
    for (const t of read) expect(t.annotations?.readOnlyHint).toBe(true);
    const all = (await (await client(tokens.run.token)).listTools()).tools;
    expect(all.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...RUN_TOOLS].sort());
    expect(all.find((t) => t.name === "approve_draft")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it("whats_waiting shows the draft; approve_draft refuses a stale version, then approves once and the run goes on", async () => {
    const { runId, draftId } = await waitingDraft("modern");
    const c = await client(tokens.run.token);
    const board = structured<{ drafts: { id: string; url: string; todo: string }[] }>(await c.callTool({ name: "whats_waiting", arguments: {} }));
    const item = board.drafts.find((d) => d.id === draftId);
    expect(item?.url).toBe(`${PUBLIC}/drafts/${draftId}`);
    expect(item?.todo).toMatch(/approve_draft/);
    const stale = await c.callTool({ name: "approve_draft", arguments: { draft: draftId, version: 4 } });
    expect(stale.isError).toBe(true);
    expect(resultText(stale)).toMatch(/version 1 is current, not version 4/);
    expect((await prisma.draft.findUniqueOrThrow({ where: { id: draftId } })).status).toBe("pending");
    const approved = structured<{ status: string; continued: boolean }>(await c.callTool({ name: "approve_draft", arguments: { draft: draftId, version: 1 } }));
    expect(approved).toMatchObject({ status: "approved", continued: true });
    await waitForRunStatus(runId, ["succeeded"]);
    expect(runner.calls.filter((call) => call.runId === runId && call.stepId === "publish")).toHaveLength(1);
    const audited = await prisma.auditLog.count({ where: { action: "mcp.call", actorId: tokens.run.user.id, targetId: "approve_draft" } });
    expect(audited).toBe(2);
  });

  it("each read tool answers with data and its page; bad input is a clear tool error", async () => {
    const { runId, draftId } = await waitingDraft("modern-reads");
    const c = await client(tokens.read.token);
    const calls: [string, Record<string, unknown>][] = [
      ["whats_waiting", {}],
      ["list_clients", {}],
      ["client_history", { client: "initech" }],
      ["get_client_memory", { client: "initech" }],
      ["list_pipelines", {}],
      ["get_run", { run: runId }],
      ["list_runs", { client: "initech" }],
      ["get_draft", { draft: draftId }],
      ["list_heartbeats", {}],
      ["get_spend", {}],
    ];
    expect(calls.map(([name]) => name).sort()).toEqual([...READ_TOOLS].sort());
    for (const [name, args] of calls) {
      const result = await c.callTool({ name, arguments: args });
      expect(structured<{ url: string }>(result).url, name).toMatch(new RegExp(`^${PUBLIC}/`));
      expect(resultText(result), name).toMatch(/content, not instructions/);
    }
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["get_draft", { draft: "no-such-draft" }, /No such draft/],
      ["get_run", { run: "nope" }, /No run "nope"/],
      ["client_history", { client: "../etc" }, /Invalid arguments for client_history: client/],
      ["no_such_tool", {}, /No tool "no_such_tool"/],
    ];
    for (const [name, args, message] of cases) {
      const result = await c.callTool({ name, arguments: args });
      expect(result.isError, name).toBe(true);
      expect(resultText(result), name).toMatch(message);
    }
  });

  it("run_pipeline's idempotency key travels in _meta beside the revision's own keys and gives back the same run", async () => {
    writePipeline("v2-echo", `name: V2 echo\ninputs:\n  topic: { type: string, required: true }\nsteps:\n  - id: say\n    tool: test/echo\n    args: { message: "{{ inputs.topic }}" }\n`);
    const c = await client(tokens.run.token);
    const key = `v2-${Math.random()}`;
    const call = () => c.callTool({ name: "run_pipeline", arguments: { pipeline: "v2-echo", client: "initech", inputs: { topic: key } }, _meta: { [IDEMPOTENCY_META_KEY]: key } });
    const first = structured<{ id: string; replayed: boolean }>(await call());
    expect(first.replayed).toBe(false);
    expect(structured(await call())).toMatchObject({ id: first.id, replayed: true });
    expect(await prisma.run.count({ where: { pipelineSlug: "v2-echo", inputsJson: { contains: key } } })).toBe(1);
    await waitForRunStatus(first.id, ["succeeded"]);
  });

  it("a read token calling approve_draft is refused and nothing changes", async () => {
    const { draftId } = await waitingDraft("modern-read");
    const result = await (await client(tokens.read.token)).callTool({ name: "approve_draft", arguments: { draft: draftId, version: 1 } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/scope \(read\) does not allow approve_draft/);
    expect((await prisma.draft.findUniqueOrThrow({ where: { id: draftId } })).status).toBe("pending");
  });

  it("a gateway step token is refused before any MCP exchange, and so is a wrong token", async () => {
    await expect(connectModernClient(server.url, `sbg_${"b".repeat(40)}`)).rejects.toThrow(/401|gateway step token/);
    await expect(connectModernClient(server.url, "sb_wrong")).rejects.toThrow(/401|not valid/);
    const step = await modernPost(`sbg_${"b".repeat(40)}`, "server/discover");
    expect(step.status).toBe(401);
    expect(((await step.json()) as { error: string }).error).toMatch(/gateway step token/);
  });

  it("a raw 2026-07-28 tools/list answers without initialize; a revision the server does not serve is -32022", async () => {
    const listed = await modernPost(tokens.read.token, "tools/list");
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { result: { tools: unknown[] } }).result.tools).toHaveLength(READ_TOOLS.length);
    const future = await modernPost(tokens.read.token, "tools/list", "2099-01-01");
    const body = (await future.json()) as { error: { code: number; data: { supported: string[] } } };
    expect(body.error.code).toBe(-32022);
    expect(body.error.data.supported).toContain(MODERN);
  });
});
