import type { ChildProcess } from "node:child_process";
import { getEventListeners } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { callToolRecorded, OutcomeUnknownError } from "@/lib/mcp/calls";
import { callTool } from "@/lib/mcp/send-call";
import { toolResultText } from "@/lib/mcp/tool-result";
import { getMcpPool } from "@/lib/mcp/pool";
import { listServers } from "@/lib/mcp/servers";
import { EVERYTHING, FILESYSTEM, startEverythingHttp, writeMcpJson } from "@/lib/testing/mcp-servers";
import { isAlive } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

const CANARY = "canary-mcp-secret-9d1e77";
let http: { url: string; child: ChildProcess };

beforeAll(async () => {
  http = await startEverythingHttp();
  fs.mkdirSync(path.join(workspaceDir(), "clients", "acme"), { recursive: true });
  fs.writeFileSync(path.join(workspaceDir(), "clients", "acme", "notes.txt"), "hello from acme");
  process.env.SB_CANARY = CANARY;
  writeMcpJson({
    everything: { command: "node", args: [EVERYTHING, "stdio"], env: { API_KEY: "${SB_CANARY}" } },
    remote: { type: "http", url: http.url, headers: { Authorization: "Bearer ${SB_CANARY}" } },
    files: { command: "node", args: [FILESYSTEM, path.join(workspaceDir(), "clients")] },
    broken: { command: "node", args: ["-e", "console.error('broken server: missing config'); process.exit(3)"] },
  });
});

afterAll(async () => {
  await getMcpPool().shutdown();
  http.child.kill();
});

describe("McpPool over stdio", () => {
  it("lists every tool and calls echo; the connection is reused", async () => {
    const pool = getMcpPool();
    const entry = await pool.resolve("everything");
    const tools = await pool.tools(entry);
    expect(tools.map((t) => t.name)).toContain("echo");
    const first = await callTool({ server: "everything", tool: "echo", arguments: { message: "hi" } });
    expect(toolResultText(first)).toBe("Echo: hi");
    const pids = pool.childPids();
    await callTool({ server: "everything", tool: "echo", arguments: { message: "again" } });
    expect(pool.childPids()).toEqual(pids);
  });

  it("checks arguments against the input schema before sending, naming the field", async () => {
    await expect(callTool({ server: "everything", tool: "echo", arguments: { message: 5 } })).rejects.toThrow(/Invalid arguments for everything\/echo: message: must be string/);
    await expect(callTool({ server: "everything", tool: "echo", arguments: {} })).rejects.toThrow(/message/);
    await expect(callTool({ server: "everything", tool: "nope", arguments: {} })).rejects.toThrow(/has no tool "nope"/);
  });

  it("a slow tool that reports progress outlives the base timeout; one without progress times out", async () => {
    await callTool({ server: "everything", tool: "echo", arguments: { message: "connected" } });
    // The call's timeout runs on a clock the test moves, not on the machine's pace: each progress message
    // moves it 900 ms on, so the call lasts 20 x 900 ms on that clock against a 1 s timeout.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const progress: number[] = [];
      const ok = await callTool({
        server: "everything",
        tool: "trigger-long-running-operation",
        arguments: { duration: 2, steps: 20 },
        timeoutMs: 1_000,
        onProgress: (p) => {
          progress.push(p.progress);
          vi.advanceTimersByTime(900);
        },
      });
      expect(ok.isError).toBe(false);
      expect(progress).toHaveLength(20);
      // an hour-long call with no progress: once its timer is set, 1 s passes on that clock
      const timers = vi.getTimerCount();
      const late = callTool({ server: "everything", tool: "trigger-long-running-operation", arguments: { duration: 3600, steps: 1 }, timeoutMs: 1_000 });
      // (waitFor's own timer is on the moved clock too: turn the event loop until the request is sent)
      while (vi.getTimerCount() <= timers) await new Promise((resolve) => setImmediate(resolve));
      vi.advanceTimersByTime(1_000);
      const result = await late;
      expect(result.isError).toBe(true);
      expect(result.error).toMatch(/Timed out/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a cancelled call stops: an hour-long call ends when it is aborted", async () => {
    const controller = new AbortController();
    // cancelled once the server is known to be working on it (its first progress), not after a guessed delay
    const result = await callTool({
      server: "everything",
      tool: "trigger-long-running-operation",
      arguments: { duration: 3600, steps: 3600 },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(result.error).toBe("Cancelled");
  });

  it("calls that share a long-lived signal (a run's) leave no abort listeners on it", async () => {
    const runSignal = new AbortController().signal;
    for (let i = 0; i < 30; i++) await callTool({ server: "everything", tool: "echo", arguments: { message: `step ${i}` }, signal: runSignal });
    expect(getEventListeners(runSignal, "abort")).toHaveLength(0);
  });

  it("a server killed mid-session shows its error, and the next call reconnects", async () => {
    const pool = getMcpPool();
    await callTool({ server: "everything", tool: "echo", arguments: { message: "before" } });
    const [pid] = pool.childPids();
    process.kill(pid, "SIGKILL");
    await waitFor(async () => (await listServers({}, pool)).servers.find((s) => s.name === "everything")?.status === "error");
    const row = (await listServers({}, pool)).servers.find((s) => s.name === "everything");
    expect(row?.error).toMatch(/closed the connection/);
    const after = await callTool({ server: "everything", tool: "echo", arguments: { message: "after" } });
    expect(toolResultText(after)).toBe("Echo: after");
    expect(pool.childPids()).not.toContain(pid);
  });

  it("a server that fails to start shows its error and stderr on its row, and the others still work", async () => {
    await expect(callTool({ server: "broken", tool: "x", arguments: {} })).rejects.toThrow(/Could not start "broken"/);
    const { servers } = await listServers();
    const broken = servers.find((s) => s.name === "broken");
    expect(broken?.status).toBe("error");
    expect(broken?.stderrTail.join("\n")).toMatch(/broken server: missing config/);
    expect(toolResultText(await callTool({ server: "everything", tool: "echo", arguments: { message: "still" } }))).toBe("Echo: still");
  });
});

describe("other transports and servers", () => {
  it("calls server-everything over Streamable HTTP", async () => {
    const result = await callTool({ server: "remote", tool: "get-sum", arguments: { a: 2, b: 3 } });
    expect(toolResultText(result)).toMatch(/5/);
  });

  it("reads a client file through server-filesystem; a failing tool call is an isError result with the server's message", async () => {
    const file = path.join(workspaceDir(), "clients", "acme", "notes.txt");
    expect(toolResultText(await callTool({ server: "files", tool: "read_text_file", arguments: { path: file } }))).toBe("hello from acme");
    const missing = await callTool({ server: "files", tool: "read_text_file", arguments: { path: path.join(workspaceDir(), "clients", "nope.txt") } });
    expect(missing.isError).toBe(true);
    expect(missing.error).toMatch(/ENOENT|no such file/i);
    const outside = await callTool({ server: "files", tool: "read_text_file", arguments: { path: "/etc/passwd" } });
    expect(outside.isError).toBe(true);
  });

  it("2,000 calls over Streamable HTTP leak no listeners and keep nothing per call", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    // what a call could leave behind, counted rather than weighed (a heap reading depends on the collector):
    // the SDK client's per-request handlers, timers and abort controllers, and the pool's connections
    const pool = getMcpPool();
    const { client } = await pool.client(await pool.resolve("remote", null));
    const internals = client as unknown as Record<"_responseHandlers" | "_progressHandlers" | "_timeoutInfo" | "_requestHandlerAbortControllers", Map<unknown, unknown>>;
    const held = () => [internals._responseHandlers.size, internals._progressHandlers.size, internals._timeoutInfo.size, internals._requestHandlerAbortControllers.size, pool.childPids().length];
    await callTool({ server: "remote", tool: "echo", arguments: { message: "warm" } });
    const before = held();
    for (let i = 0; i < 2_000; i++) await callTool({ server: "remote", tool: "echo", arguments: { message: `m${i}` } });
    process.off("warning", onWarning);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    expect(held()).toEqual(before);
    expect(before.slice(0, 4)).toEqual([0, 0, 0, 0]);
  }, 120_000);
});

describe("recorded calls", () => {
  it("records arguments with secrets redacted, the result, and the duration", async () => {
    const result = await callToolRecorded({ server: "everything", tool: "echo", arguments: { message: `key is ${CANARY}`, apiKey: "abc" } });
    const row = await prisma.toolCall.findUniqueOrThrow({ where: { id: result.toolCallId } });
    expect(row.status).toBe("succeeded");
    expect(row.argumentsJson).not.toContain(CANARY);
    expect(JSON.parse(row.argumentsJson)).toEqual({ message: "key is [redacted]", apiKey: "[redacted]" });
    expect(row.resultJson).not.toContain(CANARY);
    expect(row.durationMs).not.toBeNull();
    expect([row.runId, result.runId]).toEqual([null, null]);
  });

  it("a tool that echoes its server's secrets back returns and stores them redacted", async () => {
    const result = await callToolRecorded({ server: "everything", tool: "get-env", arguments: {} });
    expect(JSON.stringify(result.content)).not.toContain(CANARY);
    expect(JSON.stringify(result.content)).toContain("[redacted]");
    const row = await prisma.toolCall.findUniqueOrThrow({ where: { id: result.toolCallId }, select: { resultJson: true } });
    expect(row.resultJson).not.toContain(CANARY);
  });

  it("never sends a call twice under one idempotency key; a started call without result is outcome-unknown unless read-only", async () => {
    const first = await callToolRecorded({ server: "everything", tool: "echo", arguments: { message: "once" }, idempotencyKey: "k-once" });
    const again = await callToolRecorded({ server: "everything", tool: "echo", arguments: { message: "once" }, idempotencyKey: "k-once" });
    expect(again.reused).toBe(true);
    expect(again.toolCallId).toBe(first.toolCallId);
    expect(toolResultText(again)).toBe("Echo: once");

    // a crash between "started" and the result: simulate the row a killed process leaves
    const run = await prisma.run.create({ data: { pipelineSlug: "p", pipelineName: "p", pipelineJson: "{}" } });
    await prisma.toolCall.create({ data: { runId: run.id, server: "memory-less", tool: "toggle-simulated-logging", argumentsJson: "{}", idempotencyKey: "k-crash", status: "started" } });
    await expect(callToolRecorded({ server: "everything", tool: "toggle-simulated-logging", arguments: {}, idempotencyKey: "k-crash", runId: run.id })).rejects.toBeInstanceOf(OutcomeUnknownError);
    await prisma.toolCall.create({ data: { runId: run.id, server: "everything", tool: "echo", argumentsJson: "{}", idempotencyKey: "k-crash-ro", status: "started" } });
    const resent = await callToolRecorded({ server: "everything", tool: "echo", arguments: { message: "ro" }, idempotencyKey: "k-crash-ro", runId: run.id });
    expect(toolResultText(resent)).toBe("Echo: ro");
  });

  it("a 10 MB result is stored truncated with its size noted", async () => {
    const file = path.join(workspaceDir(), "clients", "acme", "big.txt");
    fs.writeFileSync(file, "x".repeat(10 * 1024 * 1024));
    const result = await callToolRecorded({ server: "files", tool: "read_text_file", arguments: { path: file } });
    expect(result.isError).toBe(false);
    expect(result.truncated).toBe(true);
    const row = await prisma.toolCall.findUniqueOrThrow({ where: { id: result.toolCallId }, select: { resultBytes: true, isTruncated: true, resultJson: true } });
    expect(row.isTruncated).toBe(true);
    expect(row.resultBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect((row.resultJson ?? "").length).toBeLessThan(1024 * 1024);
    expect(row.resultJson).toMatch(/truncated: the full result was \d+ bytes/);
  }, 60_000);
});

describe("listing and shutdown", () => {
  it("lists servers without env, headers or arguments, and flags a tool whose definition changed", async () => {
    const pool = getMcpPool();
    await listServers({ connect: true }, pool);
    await prisma.toolPin.update({ where: { scope_server_tool: { scope: "global", server: "everything", tool: "echo" } }, data: { acceptedHash: "old" } });
    const entry = await pool.resolve("everything");
    const [pid] = pool.childPids();
    process.kill(pid, "SIGKILL"); // the next connect lists tools again
    await waitFor(async () => (await listServers({}, pool)).servers.find((s) => s.name === "everything")?.status === "error");
    await pool.tools(entry);
    const { servers } = await listServers({}, pool);
    const text = JSON.stringify(servers);
    expect(text).not.toContain(CANARY);
    expect(servers.find((s) => s.name === "everything")?.tools.find((t) => t.name === "echo")?.changed).toBe(true);
    expect(servers.find((s) => s.name === "remote")?.transport).toBe("http");
  });

  it("ends every child process on shutdown", async () => {
    const pool = getMcpPool();
    await callTool({ server: "everything", tool: "echo", arguments: { message: "x" } });
    await callTool({ server: "files", tool: "list_allowed_directories", arguments: {} });
    const pids = pool.childPids();
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await pool.shutdown();
    await waitFor(() => pids.every((p) => !isAlive(p)));
    expect(pool.childPids()).toEqual([]);
  });
});
