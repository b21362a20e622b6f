// The gateway over Streamable HTTP (POST /api/mcp/gateway), for runners that are separate programs
// (codex). A request carries the bearer token minted for one agent step; the caller's resolver (the
// engine's step lookup) says which step that is, and only while it runs; any other token (an API token
// of /api/mcp included) is refused with 401. Both protocol revisions from one stateless handler, the one
// /api/mcp uses (lib/mcp/stateless-http.ts, the v2 SDK): a 2025-11-25 client (initialize, then plain
// calls; codex today) and a 2026-07-28 one (server/discover, the envelope in each request's _meta) each
// get a fresh v2 server (gatewayHttpServer) over the step's cached gateway session, whose tools/list is
// the step's allow-list, so nothing lives between requests but that cache.
import "server-only";
import { createHash } from "node:crypto";
import { GatewaySession, type GatewayStep } from "@/lib/mcp/gateway";
import { gatewayHttpServer } from "@/lib/mcp/gateway-server";
import { statelessMcpHandler } from "@/lib/mcp/stateless-http";

const TOKEN_PATTERN = /^Bearer\s+(sbg_[A-Za-z0-9_-]{20,100})$/i;
const CACHE_MAX = 200;
/** The SDK's default bound on a request body (tool arguments). */
export const GATEWAY_BODY_MAX_BYTES = 4 * 1024 * 1024;

/** The running agent step a token names, or null when it names none (unknown, or its step is not running). */
export type GatewayStepResolver = (token: string) => Promise<GatewayStep | null>;

const serve = statelessMcpHandler(gatewayHttpServer, { maxRequestBodySize: GATEWAY_BODY_MAX_BYTES });

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
  return await serve(req, { caller: sessionFor(key, step), clientId: step.runStepId });
}
