// The pool against a purpose-built stdio server (lib/testing/fixtures/paging-server.mjs) for protocol
// behaviour the public servers do not show: a paged tools/list, list_changed, and idle closing.
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { checkToolPins } from "@/lib/mcp/pins";
import { McpPool } from "@/lib/mcp/pool";
import { listServers } from "@/lib/mcp/servers";
import { writeMcpJson } from "@/lib/testing/mcp-servers";
import { isAlive } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

const FIXTURE = path.resolve("lib/testing/fixtures/paging-server.mjs");
const pools: McpPool[] = [];
function newPool(idleMs?: number) {
  const pool = new McpPool({ idleMs });
  pools.push(pool);
  return pool;
}

beforeAll(() => {
  writeMcpJson({ paging: { command: "node", args: [FIXTURE] } });
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown()));
});

describe("tools/list", () => {
  it("reads every page and refreshes when the server says the list changed", async () => {
    const pool = newPool();
    const entry = await pool.resolve("paging");
    const tools = await pool.tools(entry);
    expect(tools.map((t) => t.name)).toEqual(["t1", "t2", "t3", "t4", "add_tool", "slow"]);

    const { client, conn } = await pool.client(entry);
    await pool.busy(conn, () => client.callTool({ name: "add_tool", arguments: {} }));
    await waitFor(async () => (await listServers({}, pool)).servers.find((s) => s.name === "paging")?.toolCount === 7);
    expect((await pool.tools(entry)).map((t) => t.name)).toContain("added6");
  });
});

describe("first sight of a server's tools", () => {
  it("concurrent first listings, in one pool or two (the web process and a worker), record each pin once and fail nothing", async () => {
    const [a, b] = [newPool(), newPool()];
    const entry = await a.resolve("paging");
    const lists = await Promise.all([a.tools(entry), a.tools(entry), b.tools(entry), b.tools(entry)]);
    expect(lists.every((l) => l.length === lists[0].length)).toBe(true);
    expect(a.childPids()).toHaveLength(1);
    const names = lists[0].map((t) => t.name);
    expect(await prisma.toolPin.count({ where: { server: "paging", tool: { in: names } } })).toBe(names.length);

    const tools = lists[0].map((t) => ({ ...t, name: `${t.name}-race` }));
    const changed = await Promise.all(Array.from({ length: 4 }, () => checkToolPins("global", "paging", tools)));
    expect(changed.every((c) => c.size === 0)).toBe(true);
    expect(await prisma.toolPin.count({ where: { server: "paging", tool: { endsWith: "-race" } } })).toBe(tools.length);
  });
});

describe("idle connections", () => {
  it("closes a connection idle past idleMs (its process ends) and reconnects on the next use", async () => {
    const pool = newPool(300);
    const entry = await pool.resolve("paging");
    await pool.tools(entry);
    const [pid] = pool.childPids();
    expect(isAlive(pid)).toBe(true);
    await waitFor(() => pool.childPids().length === 0 && !isAlive(pid));
    expect((await pool.tools(entry)).length).toBeGreaterThan(0);
    expect(pool.childPids()).toHaveLength(1);
    expect(pool.childPids()[0]).not.toBe(pid);
  });

  it("never closes a connection in the middle of a call longer than idleMs", async () => {
    const pool = newPool(300);
    const entry = await pool.resolve("paging");
    const { client, conn } = await pool.client(entry);
    const [pid] = pool.childPids();
    const result = await pool.busy(conn, () => client.callTool({ name: "slow", arguments: { ms: 1_500 } }));
    expect(result.content).toEqual([{ type: "text", text: "waited 1500 ms" }]);
    expect(pool.childPids()).toEqual([pid]);
  });
});
