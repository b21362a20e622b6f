// The 2026-07-28-only test server (fixtures/modern-server.mjs) does what other tests rely on, over stdio
// and over HTTP, with the v2 client: server/discover, tools/list with ttlMs and cacheScope, each tool, an
// input_required round trip (accepted and declined), the traceparent of a request's _meta, slow_task's
// task (the tasks extension: created, polled to completion with its status messages, cancelled); and a
// 2025-era opening (`initialize`) is refused.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as LegacyStdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, it } from "vitest";
import { MODERN_SERVER, MODERN_SERVER_TOOLS, modernRequest, modernServerEntry, startModernServerHttp, TASKS_EXTENSION } from "@/lib/testing/modern-server";
import { waitFor } from "@/lib/testing/wait-for";
import { resultText } from "@/lib/testing/operator-mcp";

const MODERN = "2026-07-28";
const TRACEPARENT = `00-${"ab".repeat(16)}-${Math.random().toString(16).slice(2, 10).padEnd(16, "0")}-01`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modern-server-"));
const closers: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

/** A v2 client pinned to 2026-07-28 that answers a form elicitation with `answer` (a name, or null to decline). */
function modernClient(answer: () => string | null) {
  const client = new Client({ name: "modern-server-test", version: "1.0.0" }, { versionNegotiation: { mode: { pin: MODERN } }, capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler("elicitation/create", async () => {
    const name = answer();
    return name === null ? { action: "decline" } : { action: "accept", content: { name } };
  });
  closers.push(() => client.close());
  return client;
}

async function checkTools(client: Client, callsFile: string) {
  expect([client.getProtocolEra(), client.getNegotiatedProtocolVersion(), client.getServerVersion()?.name]).toEqual(["modern", MODERN, "modern-fixture"]);
  const listed = await client.listTools();
  expect(listed.tools.map((t) => t.name)).toEqual([...MODERN_SERVER_TOOLS]);
  expect(listed.tools.find((t) => t.name === "echo")?.annotations?.readOnlyHint).toBe(true);
  expect([listed.ttlMs, listed.cacheScope]).toEqual([45_000, "public"]);

  expect(resultText(await client.callTool({ name: "echo", arguments: { text: "hi there" } }))).toBe("hi there");
  const added = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
  expect([resultText(added), added.structuredContent]).toEqual(["42", { sum: 42 }]);
  const traced = await client.callTool({ name: "trace", arguments: {}, _meta: { traceparent: TRACEPARENT } });
  expect(traced.structuredContent).toEqual({ traceparent: TRACEPARENT });
  const lines = fs
    .readFileSync(callsFile, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => l.tool)).toEqual(["echo", "add", "trace"]);
  expect(lines.at(-1).traceparent).toBe(TRACEPARENT);
}

describe("the 2026-07-28-only test server", { timeout: 60_000 }, () => {
  it("over stdio: discover, tools/list with its cache hints, each tool, an input_required round trip; initialize is refused", async () => {
    const callsFile = path.join(dir, `stdio-${Date.now()}.calls`);
    const entry = modernServerEntry({ CALLS_FILE: callsFile, TOOLS_TTL_MS: "45000", TOOLS_CACHE_SCOPE: "public" });
    let name: string | null = `Ada${Math.random().toString(36).slice(2, 6)}`;
    const client = modernClient(() => name);
    await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...(process.env as Record<string, string>), ...entry.env } }));
    await checkTools(client, callsFile);

    expect(resultText(await client.callTool({ name: "ask_name", arguments: {} }))).toBe(`Hello, ${name}`);
    name = null;
    expect(resultText(await client.callTool({ name: "ask_name", arguments: {} }))).toBe("declined");
    // each ask_name ran twice: the first round returned input_required, the retry carried the answer
    const asks = fs
      .readFileSync(callsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.tool === "ask_name");
    expect(asks.map((l) => l.round)).toEqual([1, 2, 1, 2]);

    // a 2025-11-25 client (v1 SDK, and the v2 client without negotiation) opens with initialize and is refused
    const legacy = new LegacyClient({ name: "legacy", version: "1" });
    await expect(legacy.connect(new LegacyStdioClientTransport({ command: process.execPath, args: [MODERN_SERVER] }))).rejects.toThrow(/protocol version/i);
    await legacy.close().catch(() => undefined);
    const unnegotiated = new Client({ name: "v2-legacy", version: "1" });
    await expect(unnegotiated.connect(new StdioClientTransport({ command: process.execPath, args: [MODERN_SERVER] }))).rejects.toThrow(/protocol version/i);
    await unnegotiated.close().catch(() => undefined);
  });

  it("over HTTP: the same, each request answered by a fresh server; a raw initialize gets an error", async () => {
    const callsFile = path.join(dir, `http-${Date.now()}.calls`);
    const server = await startModernServerHttp({ CALLS_FILE: callsFile, TOOLS_TTL_MS: "45000", TOOLS_CACHE_SCOPE: "public" });
    closers.push(server.stop);
    const name = `Grace${Math.random().toString(36).slice(2, 6)}`;
    const client = modernClient(() => name);
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await checkTools(client, callsFile);
    expect(resultText(await client.callTool({ name: "ask_name", arguments: {} }))).toBe(`Hello, ${name}`);

    const auto = new Client({ name: "auto", version: "1" }, { versionNegotiation: { mode: "auto" } });
    closers.push(() => auto.close());
    await auto.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    expect(auto.getNegotiatedProtocolVersion()).toBe(MODERN);

    const init = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
    });
    const body = await init.json();
    expect(body.result).toBeUndefined();
    expect(body.error.code).toBe(-32022);
    expect(body.error.data.supported).toEqual([MODERN]);
  });

  it("slow_task over HTTP: a task for a client that declares the extension, polled to completion by any client, and cancelled", async () => {
    const callsFile = path.join(dir, `tasks-${Date.now()}.calls`);
    const server = await startModernServerHttp({ CALLS_FILE: callsFile });
    closers.push(server.stop);
    const discovered = await modernRequest(server.url, "server/discover");
    expect(discovered.result?.capabilities).toMatchObject({ extensions: { [TASKS_EXTENSION]: {} } });

    const created = await modernRequest(server.url, "tools/call", { name: "slow_task", arguments: { ms: 600, steps: 3 } });
    expect(created.result).toMatchObject({ resultType: "task", status: "working", statusMessage: "step 1 of 3", ttlMs: 600_000, pollIntervalMs: 100 });
    const taskId = String(created.result?.taskId);
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    // polled until it completes; on the way its status message names the step it is at
    const messages = new Set<string>();
    let last: Record<string, unknown> | undefined;
    await waitFor(
      async () => {
        last = (await modernRequest(server.url, "tasks/get", { taskId })).result;
        if (last?.status === "working") messages.add(String(last.statusMessage));
        return last?.status === "completed";
      },
      30_000,
      "slow_task's task to complete",
    );
    expect(last).toMatchObject({ resultType: "complete", taskId, status: "completed", result: { content: [{ type: "text", text: "slow_task done after 600 ms" }], structuredContent: { ms: 600 } } });
    expect([...messages].filter((m) => !/^step [1-3] of 3$/.test(m))).toEqual([]);

    const other = String((await modernRequest(server.url, "tools/call", { name: "slow_task", arguments: { ms: 600_000 } })).result?.taskId);
    expect((await modernRequest(server.url, "tasks/cancel", { taskId: other })).result).toMatchObject({ resultType: "complete" });
    expect((await modernRequest(server.url, "tasks/get", { taskId: other })).result).toMatchObject({ status: "cancelled", statusMessage: "cancelled by the client" });
    // a completed task stays completed when cancelled late; an unknown task is an error
    await modernRequest(server.url, "tasks/cancel", { taskId });
    expect((await modernRequest(server.url, "tasks/get", { taskId })).result?.status).toBe("completed");
    expect((await modernRequest(server.url, "tasks/get", { taskId: "no-such-task" })).error?.code).toBe(-32602);

    // a client that does not declare the extension gets the tool's result itself, when it is done
    const direct = await modernRequest(server.url, "tools/call", { name: "slow_task", arguments: { ms: 10 } }, {});
    expect(direct.result).toMatchObject({ resultType: "complete", content: [{ type: "text", text: "slow_task done after 10 ms" }] });
    const lines = fs
      .readFileSync(callsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.method === "tasks/cancel").map((l) => [l.taskId, l.status])).toEqual([
      [other, "cancelled"],
      [taskId, "completed"],
    ]);
  });
});
