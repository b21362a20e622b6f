// The pool speaks both protocol revisions: a 2026-07-28-only server (lib/testing/fixtures/modern-server.mjs,
// which refuses initialize) and 2025-era servers (server-everything and the v1 fixtures), over stdio and
// HTTP; the negotiation is done once per server and definition; a tools/list is kept for its ttlMs; and
// every call carries its run's trace context.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { callToolRecorded } from "@/lib/mcp/calls";
import { callTool } from "@/lib/mcp/send-call";
import { DEFAULT_TOOLS_TTL_MS, McpPool, MAX_TOOLS_TTL_MS, getMcpPool, toolsTtl } from "@/lib/mcp/pool";
import { listServers } from "@/lib/mcp/servers";
import { runTraceId, spanId } from "@/lib/mcp/trace";
import { EVERYTHING, startEverythingHttp, writeMcpJson } from "@/lib/testing/mcp-servers";
import { toolResultText } from "@/lib/mcp/tool-result";
import { modernServerEntry, startModernServerHttp } from "@/lib/testing/modern-server";
import { signalGroup } from "@/lib/process-group";
import { waitFor } from "@/lib/testing/wait-for";

const pools: McpPool[] = [];
const stops: (() => Promise<void>)[] = [];
function newPool() {
  const pool = new McpPool();
  pools.push(pool);
  return pool;
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sb-revisions-"));
const callsFile = (name: string) => path.join(tmp, `${name}-${Math.random().toString(36).slice(2)}.jsonl`);
const calls = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { tool: string; traceparent: string | null })
    : [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.shutdown()));
  await getMcpPool().shutdown();
  await Promise.all(stops.splice(0).map((s) => s()));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("negotiation", () => {
  it("speaks 2026-07-28 to a server that refuses initialize, and 2025-11-25 to one that does not know server/discover", async () => {
    writeMcpJson({ modern: modernServerEntry(), everything: { command: "node", args: [EVERYTHING] } });
    const pool = newPool();
    const modern = await pool.resolve("modern");
    const legacy = await pool.resolve("everything");
    expect((await pool.tools(modern)).map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "add", "ask_name", "trace"]));
    expect((await pool.tools(legacy)).map((t) => t.name)).toContain("echo");
    expect(pool.connectionState(modern)?.revision).toEqual({ version: "2026-07-28", era: "modern", probed: true });
    expect(pool.connectionState(legacy)?.revision).toMatchObject({ version: "2025-11-25", era: "legacy", probed: true });

    const { servers } = await listServers({}, pool);
    expect(servers.find((s) => s.name === "modern")?.revision).toBe("2026-07-28");
    expect(servers.find((s) => s.name === "everything")?.revision).toBe("2025-11-25");
  });

  it("probes a stdio server once per definition: a restart after a crash reuses the verdict, a changed definition probes again", async () => {
    writeMcpJson({ modern: modernServerEntry(), everything: { command: "node", args: [EVERYTHING] } });
    const pool = newPool();
    for (const name of ["modern", "everything"]) {
      const entry = await pool.resolve(name);
      await pool.tools(entry);
    }
    expect(pool.probes).toBe(2);
    // both servers die; the next use starts them again without a probe, on the revision learned
    for (const pid of pool.childPids()) signalGroup(pid, "SIGKILL");
    for (const name of ["modern", "everything"]) {
      const entry = await pool.resolve(name);
      await waitFor(() => pool.connectionState(entry)?.status === "error");
      await waitFor(
        async () =>
          (await pool
            .tools(entry)
            .then(() => true)
            .catch(() => false)) === true,
      );
      expect(pool.connectionState(entry)?.revision?.probed).toBe(false);
    }
    expect(pool.probes).toBe(2);
    // a new definition (another env) is another server as far as negotiation goes
    writeMcpJson({ modern: modernServerEntry({ TOOLS_TTL_MS: "1000" }), everything: { command: "node", args: [EVERYTHING] } });
    await pool.tools(await pool.resolve("modern"));
    expect(pool.probes).toBe(3);
  });

  it("negotiates over Streamable HTTP too: a 2026-07-28-only HTTP server, and server-everything's 2025 one", async () => {
    const modern = await startModernServerHttp();
    stops.push(modern.stop);
    const everything = await startEverythingHttp();
    stops.push(async () => {
      everything.child.kill("SIGTERM");
    });
    writeMcpJson({ web: { type: "http", url: modern.url }, olderWeb: { type: "http", url: everything.url } });
    const result = await callTool({ server: "web", tool: "add", arguments: { a: 2, b: 3 } });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toEqual({ sum: 5 });
    const entry = await getMcpPool().resolve("web");
    expect(getMcpPool().connectionState(entry)?.revision?.version).toBe("2026-07-28");
    const older = await callTool({ server: "olderWeb", tool: "echo", arguments: { message: "hi" } });
    expect(toolResultText(older)).toContain("hi");
    expect(getMcpPool().connectionState(await getMcpPool().resolve("olderWeb"))?.revision?.version).toBe("2025-11-25");
  });
});

describe("tools/list freshness", () => {
  it("keeps a list for the ttlMs its server gives, with its cacheScope, in place of a fixed minute", async () => {
    writeMcpJson({ short: modernServerEntry({ TOOLS_TTL_MS: "5000", TOOLS_CACHE_SCOPE: "public" }), long: modernServerEntry({ TOOLS_TTL_MS: String(10 * 60_000) }) });
    const pool = newPool();
    const short = await pool.resolve("short");
    const long = await pool.resolve("long");
    await pool.tools(short);
    await pool.tools(long);
    expect(pool.connectionState(short)).toMatchObject({ toolsTtlMs: 5000, toolsCacheScope: "public" });
    expect(pool.connectionState(long)).toMatchObject({ toolsTtlMs: 10 * 60_000, toolsCacheScope: "private" });
    expect(pool.toolsStale(short)).toBe(false);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      // past the short list's ttl, and past the old fixed minute, but within the long list's ttl
      vi.setSystemTime(Date.now() + DEFAULT_TOOLS_TTL_MS + 1_000);
      expect(pool.toolsStale(short)).toBe(true);
      expect(pool.toolsStale(long)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("bounds a server's ttlMs: none is a minute, below zero is stale at once, and a day is an hour", () => {
    expect(toolsTtl(undefined)).toBe(DEFAULT_TOOLS_TTL_MS);
    expect(toolsTtl(-5)).toBe(0);
    expect(toolsTtl(86_400_000)).toBe(MAX_TOOLS_TTL_MS);
    expect(toolsTtl(1234)).toBe(1234);
  });
});

describe("trace context", () => {
  it("sends traceparent with every call: one trace per run, the call's span as parent, the step's span in tracestate", async () => {
    const file = callsFile("trace");
    writeMcpJson({ traced: modernServerEntry({ CALLS_FILE: file }) });
    const runId = `run-${Math.random().toString(36).slice(2)}`;
    const first = await callToolRecorded({ server: "traced", tool: "trace", arguments: {} });
    const seen = String((first.structuredContent as { traceparent: string | null }).traceparent);
    expect(seen).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(seen.split("-")[2]).toBe(spanId("call", first.toolCallId));

    // two calls of one run share its trace id, each with its own span
    const a = await callTool({ server: "traced", tool: "trace", arguments: {}, trace: { runId, runStepId: "step-a" } });
    const b = await callTool({ server: "traced", tool: "trace", arguments: {}, trace: { runId, runStepId: "step-b" } });
    const [ta, tb] = [a, b].map((r) => String((r.structuredContent as { traceparent: string }).traceparent).split("-"));
    expect(ta[1]).toBe(runTraceId(runId));
    expect(tb[1]).toBe(runTraceId(runId));
    expect(ta[2]).not.toBe(tb[2]);
    // what the server logged is what it answered
    expect(calls(file).map((c) => c.traceparent)).toEqual([seen, ta.join("-"), tb.join("-")]);
  });
});
