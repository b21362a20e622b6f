// The 2026-07-28-only test server (fixtures/modern-server.mjs, made with the v2 server package): its path
// for a stdio entry of mcp.json, and the same server over HTTP in its own process, so a test can stop and
// start it (a restart of the server, or of Switchboard while the server stays up).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export const MODERN_SERVER = path.resolve("lib/testing/fixtures/modern-server.mjs");
export const MODERN_SERVER_TOOLS = ["echo", "add", "ask_name", "trace", "slow_task"] as const;

/** A stdio mcp.json entry for the modern server; `env` reaches it (CALLS_FILE, TOOLS_TTL_MS, TOOLS_CACHE_SCOPE). */
export function modernServerEntry(env: Record<string, string> = {}) {
  return { command: process.execPath, args: [MODERN_SERVER], env };
}

/** The modern server over HTTP in a child process; resolves once it listens. `port` 0 picks a free one. */
export async function startModernServerHttp(env: Record<string, string> = {}, port = 0): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [MODERN_SERVER, "--http", String(port)], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`modern-server did not start: ${seen}`)), 15_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /listening on (\S+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`modern-server exited with ${code}: ${seen}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
  };
  return { url, child, stop };
}

export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

/**
 * One raw 2026-07-28 request over HTTP, as a client of the revision sends it: the envelope in _meta (with
 * `capabilities` as the client's), Mcp-Method, and Mcp-Name (the tool's name, or a tasks/* request's
 * taskId, which the server requires). Resolves with the JSON-RPC response body. The v2 client 2.4.0
 * refuses a tools/call answered with `resultType: "task"` ("Unsupported result type 'task'"), so tests
 * of tasks speak this way.
 */
export async function modernRequest(url: string, method: string, params: Record<string, unknown> = {}, capabilities: Record<string, unknown> = { extensions: { [TASKS_EXTENSION]: {} } }) {
  const name = typeof params.name === "string" ? params.name : typeof params.taskId === "string" ? params.taskId : null;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...(name ? { "mcp-name": name } : {}),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: Math.floor(Math.random() * 1e9),
      method,
      params: {
        ...params,
        _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientInfo": { name: "modern-request", version: "1" }, "io.modelcontextprotocol/clientCapabilities": capabilities },
      },
    }),
  });
  return (await response.json()) as { result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } };
}
