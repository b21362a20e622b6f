// POST /api/mcp over Streamable HTTP, stateless: each request is checked (Host, API token, rate, body
// size) and then answered by a fresh server for its caller, so a revoked token fails at its next request.
// Only API tokens: a gateway step token (sbg_...) belongs to /api/mcp/gateway and is refused here, and a
// browser session is not accepted (no cookie, so no CSRF; an operator's tools hold a token instead).
// Both protocol revisions from one handler (the v2 SDK): a request with the 2026-07-28 envelope in its
// _meta (server/discover, tools/list, tools/call; no initialize) goes to createMcpHandler, which checks
// the revision (-32022 for one it does not serve); a 2025-11-25 request (initialize, then plain calls)
// goes to a stateless Streamable HTTP transport that answers in JSON. The same server factory serves both.
import "server-only";
import { createHash } from "node:crypto";
import { type AuthInfo, createMcpHandler, isLegacyRequest, type McpRequestContext, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import type { SessionUser } from "@/lib/auth/users";
import { userForToken } from "@/lib/auth/tokens";
import { env } from "@/lib/env";
import { isAllowedHost, isCrossSiteWrite } from "@/lib/http/guard";
import { readJson } from "@/lib/http/request";
import { errorToResponse } from "@/lib/http/response";
import { operatorMcpServer } from "@/lib/operator-mcp/operator-server";
import { takeRateToken } from "@/lib/operator-mcp/rate-limit";

/** A draft body may be 2 MB, which grows when JSON-escaped (as for PUT /api/drafts/<id>). */
export const MCP_BODY_MAX_BYTES = 3 * 1024 * 1024;
export const MCP_CALLS_PER_MINUTE = 120;

const BEARER = /^Bearer\s+(\S+)$/i;
const GATEWAY_TOKEN = /^sbg_/;

function jsonError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...(status === 401 ? { "www-authenticate": 'Bearer realm="switchboard"' } : {}), ...headers },
  });
}

/** The caller travels to the server factory as the request's AuthInfo (checked here; the SDK passes it through). */
function authInfoFor(user: SessionUser): AuthInfo {
  return { token: "checked", clientId: user.id, scopes: user.tokenScope ? [user.tokenScope] : [], extra: { user } };
}

function serverFor(ctx: McpRequestContext) {
  const user = ctx.authInfo?.extra?.user as SessionUser | undefined;
  if (!user) throw new Error("operator MCP: a request reached the server without its checked caller");
  return operatorMcpServer(user);
}

// 2026-07-28 only (legacy: "reject"); 2025-era requests never reach it (isLegacyRequest routes them first)
const modern = createMcpHandler(serverFor, { legacy: "reject", maxRequestBodySize: MCP_BODY_MAX_BYTES });

async function serveLegacy(req: Request, user: SessionUser, body: unknown): Promise<Response> {
  const server = operatorMcpServer(user);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req, { parsedBody: body });
  } finally {
    await server.close().catch(() => undefined);
  }
}

export type OperatorMcpOptions = { callsPerMinute?: number };

export async function handleOperatorMcpRequest(req: Request, options: OperatorMcpOptions = {}): Promise<Response> {
  try {
    if (!isAllowedHost(req.headers.get("host"), env().SWITCHBOARD_URL)) return jsonError(403, "Host not allowed");
    if (isCrossSiteWrite(req.method, req.headers)) return jsonError(403, "Cross-site request refused");
    const auth = req.headers.get("authorization");
    if (!auth) return jsonError(401, "An API token is required: send Authorization: Bearer <token> (make a token on /settings; a signed-in browser session is not accepted here)");
    const token = BEARER.exec(auth)?.[1];
    if (!token) return jsonError(401, "Malformed Authorization header: send Authorization: Bearer <token>");
    if (GATEWAY_TOKEN.test(token)) return jsonError(401, "That is a gateway step token; it works only at /api/mcp/gateway while its step runs. /api/mcp takes API tokens made on /settings");
    if (req.method !== "POST") return jsonError(405, "Switchboard's MCP server is stateless: POST only", { allow: "POST" });
    // counted before the token is looked up or the body read, so a flood costs neither a query nor memory
    const limit = takeRateToken(createHash("sha256").update(token).digest("hex"), options.callsPerMinute ?? MCP_CALLS_PER_MINUTE);
    if (!limit.ok) return jsonError(429, `Too many requests with this token: at most ${limit.limit} a minute`, { "retry-after": String(limit.retryAfterSeconds) });
    const user = await userForToken(token);
    if (!user) return jsonError(401, "This API token is not valid: it is wrong, revoked, or its user is disabled");
    const body = await readJson(req, MCP_BODY_MAX_BYTES);
    if (await isLegacyRequest(req, body, { maxRequestBodySize: MCP_BODY_MAX_BYTES })) return await serveLegacy(req, user, body);
    return await modern.fetch(req, { parsedBody: body, authInfo: authInfoFor(user) });
  } catch (error) {
    return errorToResponse(error);
  }
}
