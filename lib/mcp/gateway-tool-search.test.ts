// On-demand tools: a step that may use more tools than the threshold (40) is offered search_tools and
// call_tool alone, against a real 71-tool server (scripts/bench/fixtures/many-tools-server.mjs). The search
// covers exactly the step's tools (its allow-list, and before an approval step its read-only ones), and
// call_tool is refused, recorded and sent exactly like a direct call, in-process and over the HTTP gateway.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Client as ModernClient } from "@modelcontextprotocol/client";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { exposedToolName, GatewaySession, type GatewayStep } from "@/lib/mcp/gateway";
import { gatewayMcpServer } from "@/lib/mcp/gateway-server";
import { getMcpPool } from "@/lib/mcp/pool";
import { CALL_TOOL, rankTools, SEARCH_TOOLS } from "@/lib/mcp/tool-search";
import { startGatewayServer } from "@/lib/testing/agent-clis";
import { gatewayClient, runningAgentStep, type ApprovalPlace } from "@/lib/testing/gateway";
import { writeMcpJson } from "@/lib/testing/mcp-servers";
import { connectModernClient, resultText } from "@/lib/testing/operator-mcp";

const FIXTURE = path.resolve("scripts/bench/fixtures/many-tools-server.mjs");
const wp = `wp${Math.random().toString(36).slice(2, 8)}`;
const exposed = (tool: string) => exposedToolName(wp, tool);
let callsFile = "";
let toolNames: string[] = [];
let gateway: Awaited<ReturnType<typeof startGatewayServer>>;
const closers: (() => Promise<unknown>)[] = [];
const sent = () => (fs.existsSync(callsFile) ? fs.readFileSync(callsFile, "utf8").split("\n").filter(Boolean) : []);

type Found = { tools: { name: string; description: string; inputSchema: { type: string; properties?: Record<string, unknown> } }[]; matched: number; of: number };

async function session(allow: string[], place: ApprovalPlace, extra: Partial<GatewayStep> = {}) {
  const step = await runningAgentStep(allow, place);
  return { ...step, gateway: new GatewaySession({ ...step.gatewayStep, ...extra }) };
}

async function search(gw: GatewaySession, query: string, limit?: number): Promise<Found> {
  const result = await gw.call(SEARCH_TOOLS, { query, ...(limit ? { limit } : {}) });
  expect(result.isError).toBe(false);
  return result.structuredContent as Found;
}

const rows = (runStepId: string) => prisma.toolCall.findMany({ where: { runStepId }, orderBy: { startedAt: "asc" }, select: { server: true, tool: true, status: true, error: true, argumentsJson: true } });

beforeAll(async () => {
  fs.mkdirSync(workspaceDir(), { recursive: true });
  callsFile = path.join(workspaceDir(), `${wp}.calls`);
  writeMcpJson({ [wp]: { command: process.execPath, args: [FIXTURE], env: { CALLS_FILE: callsFile } } });
  gateway = await startGatewayServer();
  const everything = await session([`${wp}/*`], "no-approval", { toolSearch: false });
  toolNames = (await everything.gateway.listTools()).map((t) => t.tool);
});

afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
  await gateway?.close();
  await getMcpPool().shutdown();
});

describe("on-demand tools for a big allow-list", { timeout: 60_000 }, () => {
  it("offers search_tools and call_tool alone past 40 tools, and the whole list up to 40, a step's tool_search or the environment deciding otherwise", async () => {
    expect(toolNames).toHaveLength(71);
    const all = await session([`${wp}/*`], "no-approval");
    const listed = await all.gateway.listTools();
    expect(listed.map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);
    expect(listed[0].description).toContain("This step may use 71 tools");
    expect(await all.gateway.isOnDemand()).toBe(true);
    expect(await all.gateway.allowedTools()).toHaveLength(71);

    // the threshold counts the tools the step may use: 40 are listed one by one, 41 are not
    const forty = await session(
      toolNames.slice(0, 40).map((t) => `${wp}/${t}`),
      "no-approval",
    );
    expect((await forty.gateway.listTools()).map((t) => t.name)).toEqual(toolNames.slice(0, 40).map(exposed));
    const fortyOne = await session(
      toolNames.slice(0, 41).map((t) => `${wp}/${t}`),
      "no-approval",
    );
    expect((await fortyOne.gateway.listTools()).map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);

    // a step's tool_search decides for it
    const two = [`${wp}/wp_list_posts`, `${wp}/wp_get_post`];
    expect((await (await session(two, "no-approval")).gateway.listTools()).map((t) => t.name)).toEqual(two.map((t) => exposed(t.split("/")[1])));
    expect((await (await session(two, "no-approval", { toolSearch: true })).gateway.listTools()).map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);
    expect(await (await session([`${wp}/*`], "no-approval", { toolSearch: false })).gateway.listTools()).toHaveLength(71);

    // and SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD moves the threshold (read when a session first lists)
    process.env.SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD = "100";
    try {
      expect(await (await session([`${wp}/*`], "no-approval")).gateway.listTools()).toHaveLength(71);
      process.env.SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD = "1";
      expect((await (await session(two, "no-approval")).gateway.listTools()).map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);
      process.env.SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD = "many";
      await expect((await session(two, "no-approval")).gateway.listTools()).rejects.toThrow("SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD: expected a whole number");
    } finally {
      delete process.env.SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD;
    }
  });

  it("finds the step's tools by keywords, with their schemas, and never one the step may not call", async () => {
    const all = (await session([`${wp}/*`], "no-approval")).gateway;
    const create = await search(all, "create a new post");
    expect(create.tools[0].name).toBe(exposed("wp_create_post"));
    expect(Object.keys(create.tools[0].inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["title", "content", "status"]));
    expect(create.of).toBe(71);
    expect(create.tools).toHaveLength(8);
    expect((await search(all, "comments spam")).tools[0].name).toBe(exposed("wp_spam_comment"));
    expect((await search(all, "categories", 3)).tools.map((t) => t.name)).toEqual(["wp_list_categories", "wp_get_category", "wp_create_category"].map(exposed));
    expect((await search(all, "zebra")).tools).toEqual([]);

    // not in the allow-list: 45 tools without wp_create_post, on demand, never find it
    const without = toolNames.filter((t) => t !== "wp_create_post").slice(0, 45);
    const listed = (
      await session(
        without.map((t) => `${wp}/${t}`),
        "no-approval",
      )
    ).gateway;
    const found = await search(listed, "create post", 25);
    expect(found.of).toBe(45);
    expect(found.tools.length).toBeGreaterThan(0);
    expect(found.tools.map((t) => t.name)).not.toContain(exposed("wp_create_post"));
    expect(found.tools.every((t) => without.map(exposed).includes(t.name))).toBe(true);

    // before an approval step: the read-only tools alone (41 of them, still past the threshold)
    const before = (await session([`${wp}/*`], "before-approval")).gateway;
    expect(await before.listTools()).toHaveLength(2);
    const everything = await search(before, "", 25);
    expect(everything.of).toBe(41);
    const deleting = await search(before, "delete post trash", 25);
    expect(deleting.tools.map((t) => t.name).filter((n) => /delete|create|update|upload|clear|approve|spam|switch|warm/.test(n))).toEqual([]);
    expect((await before.allowedTools()).every((t) => t.annotations?.readOnlyHint === true)).toBe(true);

    // arguments that are not a query are refused without a search
    const bad = await before.call(SEARCH_TOOLS, { limit: 3 });
    expect([bad.isError, bad.refused, bad.error]).toEqual([true, true, "search_tools needs a query: keywords for the tool you need"]);
  });

  it("refuses call_tool on a tool the step may not call exactly as a direct call, and sends a permitted one the same way", async () => {
    const without = toolNames.filter((t) => t !== "wp_create_post").slice(0, 45);
    // before the approval step the 45 hold fewer than 40 read-only tools: tool_search turns it on
    const before = await session(
      without.map((t) => `${wp}/${t}`),
      "before-approval",
      { toolSearch: true },
    );
    const direct = await session(
      without.map((t) => `${wp}/${t}`),
      "before-approval",
      { toolSearch: false },
    );
    const cases = [
      // not in the allow-list
      { name: exposed("wp_create_post"), arguments: { title: "Hello" } },
      // a destructive tool before the approval step
      { name: exposed("wp_delete_post"), arguments: { id: 1 } },
      // arguments that do not match the schema
      { name: exposed("wp_get_post"), arguments: { id: "one" } },
    ];
    for (const c of cases) {
      const viaCallTool = await before.gateway.call(CALL_TOOL, c);
      const viaDirect = await direct.gateway.call(c.name, c.arguments);
      expect([viaCallTool.isError, viaCallTool.refused, viaCallTool.error]).toEqual([true, true, viaDirect.error]);
      expect(viaCallTool.content).toEqual(viaDirect.content);
    }
    expect(await rows(before.runStepId)).toEqual(await rows(direct.runStepId));
    expect((await rows(before.runStepId)).map((r) => [r.tool, r.status, r.error])).toEqual([
      ["wp_create_post", "refused", `The tool "${exposed("wp_create_post")}" is not one of this step's tools`],
      ["wp_delete_post", "refused", expect.stringMatching(/not read-only/)],
      ["wp_get_post", "refused", `Invalid arguments for ${wp}/wp_get_post: id: must be integer`],
    ]);
    expect(sent()).toEqual([]);

    // a permitted tool is sent and recorded as a direct call would be
    const ok = await before.gateway.call(CALL_TOOL, { name: exposed("wp_get_post"), arguments: { id: 7 } });
    expect([ok.isError, ok.content]).toEqual([false, [{ type: "text", text: 'wp_get_post {"id":7}' }]]);
    expect(ok.toolCallId).toBeTruthy();
    expect((await rows(before.runStepId)).at(-1)).toMatchObject({ server: wp, tool: "wp_get_post", status: "succeeded", argumentsJson: '{"id":7}' });
    expect(sent()).toEqual(["wp_get_post"]);

    // call_tool without a name, and call_tool calling itself, are refused and recorded
    expect((await before.gateway.call(CALL_TOOL, { arguments: {} })).error).toBe("call_tool needs the name of a tool found with search_tools");
    expect((await before.gateway.call(CALL_TOOL, { name: CALL_TOOL, arguments: { name: exposed("wp_get_post"), arguments: { id: 1 } } })).refused).toBe(true);
    expect(sent()).toEqual(["wp_get_post"]);
  });

  it("works end to end through the HTTP gateway (both revisions) and the in-process server, with real MCP clients", async () => {
    const step = await runningAgentStep([`${wp}/*`], "before-approval");
    const legacy = await gatewayClient(gateway.url, step.token);
    closers.push(() => legacy.close());
    const modern: ModernClient = await connectModernClient(gateway.url, step.token);
    closers.push(() => modern.close());
    expect((await legacy.listTools()).tools.map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);
    expect((await modern.listTools()).tools.map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);

    const found = JSON.parse(resultText(await legacy.callTool({ name: SEARCH_TOOLS, arguments: { query: "list posts" } }))) as Found;
    expect(found.tools[0].name).toBe(exposed("wp_list_posts"));
    const listed = await modern.callTool({ name: CALL_TOOL, arguments: { name: found.tools[0].name, arguments: { per_page: 2 } } });
    expect([listed.isError ?? false, resultText(listed)]).toEqual([false, 'wp_list_posts {"per_page":2}']);
    const refused = await legacy.callTool({ name: CALL_TOOL, arguments: { name: exposed("wp_delete_post"), arguments: { id: 3 } } });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/not read-only/);

    // the claude-code runner's in-process server (v1) over the same session kind
    const inProcess = await runningAgentStep([`${wp}/*`], "no-approval");
    const server = gatewayMcpServer(new GatewaySession(inProcess.gatewayStep));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "in-process-test", version: "1.0.0" });
    await client.connect(clientSide);
    closers.push(() => client.close());
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);
    const created = await client.callTool({ name: CALL_TOOL, arguments: { name: exposed("wp_create_post"), arguments: { title: "On demand" } } });
    expect(resultText(created)).toBe('wp_create_post {"title":"On demand"}');

    expect(sent().slice(-2)).toEqual(["wp_list_posts", "wp_create_post"]);
    expect((await rows(step.runStepId)).map((r) => [r.tool, r.status])).toEqual([
      ["wp_list_posts", "succeeded"],
      ["wp_delete_post", "refused"],
    ]);
    expect((await rows(inProcess.runStepId)).map((r) => [r.tool, r.status])).toEqual([["wp_create_post", "succeeded"]]);

    // the step's tool_search, read from the run's pipeline by the HTTP gateway's token lookup
    const forced = await runningAgentStep([`${wp}/wp_list_posts`, `${wp}/wp_get_post`], "no-approval", { tool_search: true });
    const forcedClient = await gatewayClient(gateway.url, forced.token);
    closers.push(() => forcedClient.close());
    expect((await forcedClient.listTools()).tools.map((t) => t.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);
    const full = await runningAgentStep([`${wp}/*`], "no-approval", { tool_search: false });
    const fullClient = await gatewayClient(gateway.url, full.token);
    closers.push(() => fullClient.close());
    expect((await fullClient.listTools()).tools).toHaveLength(71);
  });

  it("ranks by name, then title, then description words", () => {
    const tools = [
      { name: "a_other", description: "mentions post in passing" },
      { name: "b_get_post", description: "Reads one" },
      { name: "c_list", title: "List posts", description: "Lists" },
    ];
    expect(rankTools(tools, "post").map((t) => t.name)).toEqual(["b_get_post", "c_list", "a_other"]);
    expect(rankTools(tools, "")).toHaveLength(3);
    expect(rankTools(tools, "nothing")).toEqual([]);
  });
});
