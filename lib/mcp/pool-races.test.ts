// The pool where timing meets state: a server closed while it is still starting (mcp.json changed, or
// shutdown), a tool-list change announced in the middle of a listing, a failed start and the reconnect
// delay, and a tools/list longer than the SDK's default page cap. Real stdio servers, written here to a
// temporary folder: a paging server on the v1 SDK, and a 2025-era server that dies at its initialize.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { McpPool } from "@/lib/mcp/pool";
import { writeMcpJson } from "@/lib/testing/mcp-servers";
import { processesInGroup, processTable } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sb-pool-races-"));
const sdk = (file: string) => pathToFileURL(path.resolve("node_modules/@modelcontextprotocol/sdk/dist/esm", file)).href;

// PAGES tools, one a page (t0, t1, ...), each described with the list's version; the first request for page
// CHANGE_ON_PAGE changes every tool (version 2) and announces it before that page is answered
const LISTS = path.join(tmp, "lists-server.mjs");
fs.writeFileSync(
  LISTS,
  `import { Server } from ${JSON.stringify(sdk("server/index.js"))};
import { StdioServerTransport } from ${JSON.stringify(sdk("server/stdio.js"))};
import { CallToolRequestSchema, ListToolsRequestSchema } from ${JSON.stringify(sdk("types.js"))};
const pages = Number(process.env.PAGES ?? "1");
const changeOnPage = process.env.CHANGE_ON_PAGE === undefined ? -1 : Number(process.env.CHANGE_ON_PAGE);
let version = 1;
const tool = (i) => ({ name: "t" + i, description: "tool " + i + ", version " + version, inputSchema: { type: "object", properties: {} } });
const server = new Server({ name: "lists", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } } });
server.setRequestHandler(ListToolsRequestSchema, async (request) => {
  const page = request.params?.cursor ? Number(request.params.cursor) : 0;
  if (page === changeOnPage && version === 1) {
    version = 2;
    await server.sendToolListChanged();
  }
  return { tools: [tool(page)], ...(page + 1 < pages ? { nextCursor: String(page + 1) } : {}) };
});
server.setRequestHandler(CallToolRequestSchema, async (request) => ({ content: [{ type: "text", text: request.params.name }] }));
await server.connect(new StdioServerTransport());
`,
);

// a 2025-era server that cannot start: it answers server/discover with "method not found" (so the client
// falls back to initialize on the same connection), then dies at initialize; each start is a line in STARTS_FILE
const DIES = path.join(tmp, "dies-server.mjs");
fs.writeFileSync(
  DIES,
  `import fs from "node:fs";
fs.appendFileSync(process.env.STARTS_FILE, "start\\n");
let buffer = "";
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf("\\n")) >= 0) {
    const message = JSON.parse(buffer.slice(0, nl));
    buffer = buffer.slice(nl + 1);
    if (message.method === "initialize") process.exit(3);
    if (message.id !== undefined) process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } }) + "\\n");
  }
});
`,
);

const lists = (env: Record<string, string> = {}) => ({ command: process.execPath, args: [LISTS], env });
/** The lists server behind `sh`, which waits for the file `gate` first: a server still starting until the test says. */
const gated = (gate: string) => ({ command: "sh", args: ["-c", `while [ ! -e '${gate}' ]; do sleep 0.05; done; exec '${process.execPath}' '${LISTS}'`] });
/** The group leader (the `sh`) of a gated server, once it runs. */
const gatedLeader = (gate: string) => waitFor(() => processTable().find((p) => p.pid === p.pgrp && p.cmdline.includes(gate))?.pid, undefined, `the server behind ${gate}`);

const pools: McpPool[] = [];
function newPool() {
  const pool = new McpPool();
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown()));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("a server closed while it is still starting", () => {
  it("mcp.json changes during the start: the old server's process group ends, its start fails, the new one serves", async () => {
    const gate = path.join(tmp, "gate-config");
    writeMcpJson({ starting: gated(gate) });
    const pool = newPool();
    const starting = pool.client(await pool.resolve("starting"));
    starting.catch(() => undefined);
    const pgid = await gatedLeader(gate);

    writeMcpJson({ starting: lists({ PAGES: "2" }) });
    expect((await pool.tools(await pool.resolve("starting"))).map((t) => t.name)).toEqual(["t0", "t1"]);
    // the old start may now go on as far as it can: it must not end up with a live, untracked server
    fs.writeFileSync(gate, "");
    await expect(starting).rejects.toThrow(/"starting" was closed while it was starting \(configuration changed\)/);
    await waitFor(() => processesInGroup(pgid).length === 0, undefined, "the old server's process group to end");
    expect(pool.childPids()).toHaveLength(1);
    expect(pool.childPids()).not.toContain(pgid);
  });

  it("shutdown during the start ends the starting server's process group before it returns", async () => {
    const gate = path.join(tmp, "gate-shutdown");
    writeMcpJson({ starting: gated(gate) });
    const pool = newPool();
    const starting = pool.client(await pool.resolve("starting"));
    starting.catch(() => undefined);
    const pgid = await gatedLeader(gate);

    await pool.shutdown();
    expect(processesInGroup(pgid)).toEqual([]);
    fs.writeFileSync(gate, "");
    await expect(starting).rejects.toThrow(/"starting" was closed while it was starting \(shutdown\)/);
    expect(pool.childPids()).toEqual([]);
  });
});

describe("a tool-list change announced during a listing", () => {
  it("lists again, so the stored list is the one after the change", async () => {
    // page 0 is answered before the change; the change is announced before page 1 is answered
    writeMcpJson({ changing: lists({ PAGES: "2", CHANGE_ON_PAGE: "1" }) });
    const pool = newPool();
    const entry = await pool.resolve("changing");
    const after = ["tool 0, version 2", "tool 1, version 2"];
    expect((await pool.tools(entry)).map((t) => t.description)).toEqual(after);
    expect(pool.connectionState(entry)?.tools?.map((t) => t.description)).toEqual(after);
  });
});

describe("a failed start", () => {
  it("counts once toward the reconnect delay: the first retry starts the server again at once", async () => {
    const startsFile = path.join(tmp, "starts");
    const starts = () => (fs.existsSync(startsFile) ? fs.readFileSync(startsFile, "utf8").trim().split("\n").length : 0);
    writeMcpJson({ dies: { command: process.execPath, args: [DIES], env: { STARTS_FILE: startsFile } } });
    const pool = newPool();
    const entry = await pool.resolve("dies");
    await expect(pool.client(entry)).rejects.toThrow(/Could not start "dies"/);
    expect(starts()).toBe(1);
    // what the backoff counts: one failure, so no wait before the next start (reconnectDelayMs(1) is 0)
    const failures = () => (pool as unknown as { connections: Map<string, { failures: number }> }).connections.get("global:dies")?.failures;
    expect(failures()).toBe(1);
    await expect(pool.client(entry)).rejects.toThrow(/Could not start "dies"/);
    expect(starts()).toBe(2);
    expect(failures()).toBe(2);
  });
});

describe("a long tools/list", () => {
  it("reads up to 100 pages (the SDK's own cap is 64), and refuses a list that goes on past that", async () => {
    writeMcpJson({ long: lists({ PAGES: "100" }), endless: lists({ PAGES: "101" }) });
    const pool = newPool();
    const tools = await pool.tools(await pool.resolve("long"));
    expect(tools.map((t) => t.name)).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`));
    await expect(pool.tools(await pool.resolve("endless"))).rejects.toThrow(/exceeded listMaxPages \(100\)/);
  });
});
