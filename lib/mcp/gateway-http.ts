// The gateway over Streamable HTTP (POST /api/mcp/gateway), for runners that are separate programs
// (codex). A request carries the bearer token minted for one agent step; the caller's resolver (the
// engine's step lookup) says which step that is, and only while it runs. Stateless: each request gets a
// fresh MCP server over the step's cached gateway session, so nothing lives between requests but that cache.
import "server-only";
import { createHash } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { GatewaySession, type GatewayStep } from "@/lib/mcp/gateway";
import { gatewayMcpServer } from "@/lib/mcp/gateway-server";

const TOKEN_PATTERN = /^Bearer\s+(sbg_[A-Za-z0-9_-]{20,100})$/i;
const CACHE_MAX = 200;

/** The running agent step a token names, or null when it names none (unknown, or its step is not running). */
export type GatewayStepResolver = (token: string) => Promise<GatewayStep | null>;

type Cached = { step: GatewayStep; session: GatewaySession };
const globalForGateway = globalThis as unknown as { switchboardGatewaySessions?: Map<string, Cached> };
const sessions = (globalForGateway.switchboardGatewaySessions ??= new Map());

/** The cache's key for a token: never the token itself, so a heap dump holds no live one. */
function cacheKey(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function sessionFor(key: string, step: GatewayStep): GatewaySession {
  let cached = sessions.get(key);
  if (!cached) {
    if (sessions.size >= CACHE_MAX) sessions.delete(sessions.keys().next().value as string);
    cached = { step, session: new GatewaySession(step) };
    sessions.set(key, cached);
  }
  return cached.session;
}

function jsonError(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), { status, headers: { "content-type": "application/json", ...(status === 401 ? { "www-authenticate": "Bearer" } : {}) } });
}

export async function handleGatewayRequest(req: Request, resolveStep: GatewayStepResolver): Promise<Response> {
  const match = TOKEN_PATTERN.exec(req.headers.get("authorization") ?? "");
  if (!match) return jsonError(401, "A gateway token is required");
  const key = cacheKey(match[1]);
  const step = await resolveStep(match[1]);
  if (!step) {
    sessions.delete(key);
    return jsonError(401, "This gateway token is not valid: its step is not running");
  }
  if (req.method !== "POST") return jsonError(405, "The gateway is stateless: POST only");
  const server = gatewayMcpServer(sessionFor(key, step));
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req);
  } finally {
    await server.close().catch(() => undefined);
  }
}
