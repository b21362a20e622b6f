// For the tests of Switchboard's own MCP server: /api/mcp's handler on a local port (the same function
// the route calls), real API tokens, and an SDK client that speaks to it as Claude Code or Codex would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createApiToken } from "@/lib/auth/tokens";
import type { TokenScope } from "@/lib/auth/tokens.schema";
import { createUser } from "@/lib/auth/users";
import type { OperatorMcpOptions } from "@/lib/operator-mcp/operator-http";

export async function startOperatorMcpServer(options: OperatorMcpOptions = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const { handleOperatorMcpRequest } = await import("@/lib/operator-mcp/operator-http");
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
    const response = await handleOperatorMcpRequest(new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method, headers, body }), options);
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/mcp`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A user of the given role with one API token of the given scope. */
export async function userWithToken(scope: TokenScope, role: "admin" | "operator" = "operator") {
  const email = `mcp-${scope}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const user = await createUser({ email, password: "long-enough-password", role }, { label: "test" });
  const made = await createApiToken(user.id, { name: `mcp ${scope}`, scope }, { id: user.id, label: email });
  return { user, token: made.token, tokenId: made.id };
}

export async function connectClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: "switchboard-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/**
 * A client of the v2 SDK. `{ pin: "2026-07-28" }` speaks only that revision (server/discover, the version
 * and capabilities in each request's _meta, no initialize); "auto" probes with server/discover and falls
 * back to initialize.
 */
export async function connectModernClient(url: string, token: string, mode: "auto" | { pin: string } = { pin: "2026-07-28" }): Promise<ModernClient> {
  const client = new ModernClient({ name: "switchboard-test-v2", version: "1.0.0" }, { versionNegotiation: { mode } });
  await client.connect(new ModernHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

export function resultText(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  return content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

export function structured<T = Record<string, unknown>>(result: unknown): T {
  const r = result as CallToolResult;
  if (r.isError) throw new Error(`tool error: ${resultText(r)}`);
  return r.structuredContent as T;
}
