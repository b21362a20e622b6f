// For the tests of Switchboard's own MCP server: /api/mcp's handler on a local port (the same function
// the route calls), real API tokens, and an SDK client that speaks to it as Claude Code or Codex would.
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createApiToken } from "@/lib/auth/tokens";
import type { TokenScope } from "@/lib/auth/tokens.schema";
import { createUser } from "@/lib/auth/users";
import type { OperatorMcpOptions } from "@/lib/operator-mcp/operator-http";
import { serveFetchHandler } from "@/lib/testing/fetch-server";

export async function startOperatorMcpServer(options: OperatorMcpOptions = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const { handleOperatorMcpRequest } = await import("@/lib/operator-mcp/operator-http");
  return serveFetchHandler((req) => handleOperatorMcpRequest(req, options), "/api/mcp");
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

export const MODERN_REVISION = "2026-07-28";

/** A raw 2026-07-28 request: the revision, client info and capabilities in _meta, the revision in the header too. */
export function postModern(url: string, token: string, method: string, revision = MODERN_REVISION, params: Record<string, unknown> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": revision, "mcp-method": method },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method,
      params: {
        ...params,
        _meta: { "io.modelcontextprotocol/protocolVersion": revision, "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} },
      },
    }),
  });
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
