// The HTTP gateway on protocol revision 2026-07-28: a client of the v2 SDK pinned to it (server/discover,
// no initialize) reaches the gateway with a step's token, is offered exactly the step's allow-list (before
// an approval step: the read-only tools alone), and its call is recorded under the step; an API token of
// /api/mcp, and a token whose step has ended, are refused. The same handler serves the 2025-11-25 clients
// of approval-boundary.test.ts and pins.test.ts, and codex.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/client";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { getMcpPool } from "@/lib/mcp/pool";
import { startGatewayServer } from "@/lib/testing/agent-clis";
import { gatewayClient, runningAgentStep } from "@/lib/testing/gateway";
import { writeMcpJson } from "@/lib/testing/mcp-servers";
import { connectModernClient, postModern, resultText, userWithToken } from "@/lib/testing/operator-mcp";

const FIXTURE = path.resolve("lib/testing/fixtures/changing-server.mjs");
const MODERN = "2026-07-28";
const schema = { type: "object" as const, properties: { id: { type: "string" } } };
const TOOLS = [
  { name: "get_post", description: "Reads a post", inputSchema: schema, annotations: { readOnlyHint: true } },
  { name: "list_posts", description: "Lists posts", inputSchema: schema, annotations: { readOnlyHint: true } },
  { name: "delete_post", description: "Deletes a post", inputSchema: schema },
];

const server = `cmsv2${Math.random().toString(36).slice(2, 8)}`;
let callsFile = "";
let gateway: Awaited<ReturnType<typeof startGatewayServer>>;
const clients: Client[] = [];
const sent = () => (fs.existsSync(callsFile) ? fs.readFileSync(callsFile, "utf8").split("\n").filter(Boolean) : []);

async function modernClient(token: string) {
  const client = await connectModernClient(gateway.url, token);
  clients.push(client);
  return client;
}

function modernPost(token: string, method: string, revision = MODERN) {
  return postModern(gateway.url, token, method, revision);
}

beforeAll(async () => {
  fs.mkdirSync(workspaceDir(), { recursive: true });
  const toolsFile = path.join(workspaceDir(), `${server}.json`);
  callsFile = path.join(workspaceDir(), `${server}.calls`);
  fs.writeFileSync(toolsFile, JSON.stringify(TOOLS));
  writeMcpJson({ [server]: { command: process.execPath, args: [FIXTURE], env: { TOOLS_FILE: toolsFile, CALLS_FILE: callsFile } } });
  gateway = await startGatewayServer();
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await gateway?.close();
  await getMcpPool().shutdown();
});

describe("the HTTP gateway on 2026-07-28", { timeout: 60_000 }, () => {
  it("a pinned v2 client discovers the gateway with a step token, lists the step's allow-list alone and its call is recorded under the step", async () => {
    const step = await runningAgentStep([`${server}/*`], "before-approval");
    const client = await modernClient(step.token);
    expect([client.getProtocolEra(), client.getServerVersion()?.name]).toEqual(["modern", "switchboard"]);
    // before the approval step: the read-only tools alone, as a 2025-11-25 client of the same step sees them
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual([`${server}__get_post`, `${server}__list_posts`]);
    const legacy = await gatewayClient(gateway.url, step.token);
    expect((await legacy.listTools()).tools.map((t) => t.name).sort()).toEqual(names);
    await legacy.close();

    const called = await client.callTool({ name: `${server}__get_post`, arguments: { id: "1" } });
    expect([called.isError ?? false, resultText(called)]).toEqual([false, "called get_post"]);
    const refused = await client.callTool({ name: `${server}__delete_post`, arguments: { id: "1" } });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/not read-only/);
    expect(sent()).toEqual(["get_post"]);
    const rows = await prisma.toolCall.findMany({ where: { runStepId: step.runStepId }, orderBy: { startedAt: "asc" }, select: { server: true, tool: true, status: true } });
    expect(rows).toEqual([
      { server, tool: "get_post", status: "succeeded" },
      { server, tool: "delete_post", status: "refused" },
    ]);
  });

  it("a raw 2026-07-28 tools/list answers without initialize; a revision the gateway does not serve is -32022", async () => {
    const step = await runningAgentStep([`${server}/list_posts`], "no-approval");
    const listed = await modernPost(step.token, "tools/list");
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual([`${server}__list_posts`]);
    const future = (await (await modernPost(step.token, "tools/list", "2099-01-01")).json()) as { error: { code: number } };
    expect(future.error.code).toBe(-32022);
  });

  it("refuses an API token of /api/mcp, and a step token once its step has ended, before any MCP exchange", async () => {
    const { token } = await userWithToken("run");
    await expect(connectModernClient(gateway.url, token)).rejects.toThrow(/401|gateway token is required/);
    const api = await modernPost(token, "server/discover");
    expect([api.status, ((await api.json()) as { error: string }).error]).toEqual([401, "A gateway token is required"]);

    const step = await runningAgentStep([`${server}/*`], "no-approval");
    expect((await modernPost(step.token, "server/discover")).status).toBe(200);
    await prisma.runStep.update({ where: { id: step.runStepId }, data: { status: "succeeded" } });
    const ended = await modernPost(step.token, "server/discover");
    expect([ended.status, ((await ended.json()) as { error: string }).error]).toEqual([401, "This gateway token is not valid: its step is not running"]);
  });
});
