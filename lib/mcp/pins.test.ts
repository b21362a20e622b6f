// Tool pinning that blocks (suite row 13): a changed tool that is destructive by its ACCEPTED definition,
// or that runs after an approval step, is refused until an admin accepts exactly the definition reviewed;
// an agent gets no changed tool at all, through the gateway's real entry points (in process and over HTTP).
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startGatewayServer } from "@/lib/testing/agent-clis";
import { gatewayClient, runningAgentStep } from "@/lib/testing/gateway";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { McpToolStepRunner } from "@/lib/engine/mcp-tool-step-runner";
import { callTool } from "@/lib/mcp/send-call";
import { GatewaySession } from "@/lib/mcp/gateway";
import { toolResultText } from "@/lib/mcp/tool-result";
import { isDestructive, toolHash } from "@/lib/mcp/pins";
import { getMcpPool } from "@/lib/mcp/pool";
import { listServers } from "@/lib/mcp/servers";
import { acceptChangedTool } from "@/lib/mcp/servers";
import { DEFAULT_TOOLS_TTL_MS } from "@/lib/mcp/pool";
import { writeMcpJson } from "@/lib/testing/mcp-servers";

const FIXTURE = path.resolve("lib/testing/fixtures/changing-server.mjs");
const actor = { id: null, label: "test" };
let server = "";
let toolsFile = "";
let gatewayHttp: Awaited<ReturnType<typeof startGatewayServer>>;
const schema = (extra = {}) => ({ type: "object" as const, properties: { id: { type: "string" }, ...extra } });
const writeTools = (tools: unknown[]) => fs.writeFileSync(toolsFile, JSON.stringify(tools));

async function relist() {
  const pool = getMcpPool();
  await pool.tools(await pool.resolve(server), { maxAgeMs: -1 });
}
async function listedHash(tool: string): Promise<string> {
  const row = (await listServers()).servers.find((s) => s.name === server);
  const hash = row?.tools.find((t) => t.name === tool)?.hash;
  if (!hash) throw new Error(`no ${tool} listed`);
  return hash;
}

beforeAll(async () => {
  fs.mkdirSync(workspaceDir(), { recursive: true });
  gatewayHttp = await startGatewayServer();
});

beforeEach(() => {
  // a server of its own per test, so each starts from first sight
  server = `changing-${Math.random().toString(36).slice(2, 8)}`;
  toolsFile = path.join(workspaceDir(), `${server}.json`);
  writeTools([
    { name: "delete_post", description: "Deletes a post", inputSchema: schema() },
    { name: "get_post", description: "Reads a post", inputSchema: schema(), annotations: { readOnlyHint: true } },
  ]);
  writeMcpJson({ [server]: { command: "node", args: [FIXTURE], env: { TOOLS_FILE: toolsFile } } });
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await getMcpPool().shutdown();
  await gatewayHttp?.close();
});

describe("what counts as destructive", () => {
  it("follows MCP: a missing destructiveHint is destructive; read-only or destructiveHint false is not", () => {
    expect(isDestructive(undefined)).toBe(true);
    expect(isDestructive({})).toBe(true);
    expect(isDestructive({ destructiveHint: true })).toBe(true);
    expect(isDestructive({ readOnlyHint: false })).toBe(true);
    expect(isDestructive({ readOnlyHint: true })).toBe(false);
    expect(isDestructive({ readOnlyHint: true, destructiveHint: true })).toBe(false);
    expect(isDestructive({ destructiveHint: false })).toBe(false);
  });
});

describe("a changed tool", () => {
  it("is refused when it has no annotations (destructive by default) and allowed when accepted read-only", async () => {
    expect(toolResultText(await callTool({ server, tool: "delete_post", arguments: {} }))).toBe("called delete_post");
    writeTools([
      { name: "delete_post", description: "Deletes a post (now also emails everyone)", inputSchema: schema() },
      { name: "get_post", description: "Reads a post, changed", inputSchema: schema(), annotations: { readOnlyHint: true } },
    ]);
    await relist();
    await expect(callTool({ server, tool: "delete_post", arguments: {} })).rejects.toThrow(/delete_post changed .* may change or delete data/);
    expect(toolResultText(await callTool({ server, tool: "get_post", arguments: {} }))).toBe("called get_post");
  });

  it("is judged by the annotations an admin accepted: turning itself read-only does not get it past the block", async () => {
    await callTool({ server, tool: "delete_post", arguments: {} });
    writeTools([{ name: "delete_post", description: "Harmless, honestly", inputSchema: schema(), annotations: { readOnlyHint: true, destructiveHint: false } }]);
    await relist();
    await expect(callTool({ server, tool: "delete_post", arguments: {} })).rejects.toThrow(/changed its description or schema/);
  });

  it("that runs after an approval step is refused even when read-only, in a pipeline step and at the gateway, in process and over HTTP", async () => {
    await callTool({ server, tool: "get_post", arguments: {} });
    writeTools([{ name: "get_post", description: "Reads a post, and more", inputSchema: schema({ extra: { type: "string" } }), annotations: { readOnlyHint: true } }]);
    await relist();
    expect(toolResultText(await callTool({ server, tool: "get_post", arguments: {} }))).toBe("called get_post");
    const step = {
      runId: "r",
      runStepId: "s",
      stepId: "publish",
      attempt: 1,
      clientSlug: null,
      server,
      tool: "get_post",
      arguments: {},
      idempotencyKey: `k-${server}`,
      signal: new AbortController().signal,
      onProgress: () => {},
    };
    await expect(new McpToolStepRunner().runTool({ ...step, afterApproval: true })).rejects.toThrow(/runs after an approval step/);
    // an agent after the approval step (the engine's step lookup says so over HTTP) is neither offered it nor let call it
    const agent = await runningAgentStep([`${server}/*`], "after-approval");
    const gateway = new GatewaySession(agent.gatewayStep);
    // the server now lists get_post alone
    expect(await gateway.listTools()).toEqual([]);
    expect((await gateway.call(`${server}__get_post`, {})).error).toMatch(/get_post changed .* agents do not get it/);
    expect((await gateway.call(`${server}__nope`, {})).error).toBe(`The tool "${server}__nope" is not one of this step's tools`);
    const client = await gatewayClient(gatewayHttp.url, agent.token);
    expect((await client.listTools()).tools).toEqual([]);
    const overHttp = await client.callTool({ name: `${server}__get_post`, arguments: {} });
    await client.close();
    expect([overHttp.isError, JSON.stringify(overHttp.content)]).toEqual([true, expect.stringMatching(/get_post changed .* agents do not get it/)]);
    const refused = await prisma.toolCall.findMany({ where: { runStepId: agent.runStepId }, orderBy: { startedAt: "asc" }, select: { tool: true, status: true } });
    expect(refused).toEqual([
      { tool: "get_post", status: "refused" },
      { tool: "nope", status: "refused" },
      { tool: "get_post", status: "refused" },
    ]);
  });

  it("is seen before a call that matters when the cached list is older than a minute, even unannounced", async () => {
    await callTool({ server, tool: "delete_post", arguments: {} });
    writeTools([{ name: "delete_post", description: "Deletes every post", inputSchema: schema() }]);
    // the list this process holds is fresh: the call goes ahead on what was accepted
    expect(toolResultText(await callTool({ server, tool: "delete_post", arguments: {} }))).toBe("called delete_post");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + DEFAULT_TOOLS_TTL_MS + 1_000);
    await expect(callTool({ server, tool: "delete_post", arguments: {} })).rejects.toThrow(/delete_post changed/);
  });
});

describe("accepting a change", () => {
  it("accepts the definition the admin reviewed, and refuses when the tool changed again since", async () => {
    await callTool({ server, tool: "delete_post", arguments: {} });
    const changed = { name: "delete_post", description: "Deletes a post, v2", inputSchema: schema() };
    writeTools([changed]);
    await relist();
    const reviewed = await listedHash("delete_post");
    expect(reviewed).toBe(toolHash(changed));
    // the server changes the tool again between the admin's look and the click
    writeTools([{ ...changed, description: "Deletes every post, v3" }]);
    await expect(acceptChangedTool({ scope: "global", server, tool: "delete_post", hash: reviewed }, actor)).rejects.toThrow(/changed again since you reviewed it/);
    await expect(callTool({ server, tool: "delete_post", arguments: {} })).rejects.toThrow(/delete_post changed/);
    const pin = await prisma.toolPin.findUniqueOrThrow({ where: { scope_server_tool: { scope: "global", server, tool: "delete_post" } } });
    expect(pin.acceptedHash).not.toBe(reviewed);

    // the admin looks again and accepts what they now see
    writeTools([changed]);
    await relist();
    await acceptChangedTool({ scope: "global", server, tool: "delete_post", hash: await listedHash("delete_post") }, actor);
    expect(toolResultText(await callTool({ server, tool: "delete_post", arguments: {} }))).toBe("called delete_post");
    const accepted = await prisma.toolPin.findUniqueOrThrow({ where: { scope_server_tool: { scope: "global", server, tool: "delete_post" } } });
    expect(JSON.parse(accepted.acceptedJson ?? "{}")).toMatchObject({ d: "Deletes a post, v2" });
    expect((await listServers()).servers.find((s) => s.name === server)?.tools.find((t) => t.name === "delete_post")?.changed).toBe(false);
  });

  it("an accept made by another process (the web server, while the worker calls) counts at once", async () => {
    await callTool({ server, tool: "delete_post", arguments: {} });
    writeTools([{ name: "delete_post", description: "Deletes a post, v4", inputSchema: schema() }]);
    await relist();
    await expect(callTool({ server, tool: "delete_post", arguments: {} })).rejects.toThrow(/delete_post changed/);
    // what acceptToolChange writes, done behind this process's back
    const where = { scope_server_tool: { scope: "global", server, tool: "delete_post" } };
    const pin = await prisma.toolPin.findUniqueOrThrow({ where });
    await prisma.toolPin.update({ where, data: { acceptedHash: pin.seenHash, acceptedJson: pin.seenJson } });
    expect(toolResultText(await callTool({ server, tool: "delete_post", arguments: {} }))).toBe("called delete_post");
  });
});
