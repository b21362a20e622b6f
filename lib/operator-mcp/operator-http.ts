// POST /api/mcp over Streamable HTTP, stateless: each request is checked (Host, API token, rate, body
// size) and then answered by a fresh server for its caller, so a revoked token fails at its next request.
// Only API tokens: a gateway step token (sbg_...) belongs to /api/mcp/gateway and is refused here, and a
// browser session is not accepted (no cookie, so no CSRF; an operator's tools hold a token instead).
// Both protocol revisions from one handler (the v2 SDK), the one the HTTP gateway uses too
// (lib/mcp/stateless-http.ts): a 2026-07-28 request (server/discover, the envelope in each request's
// _meta) and a 2025-11-25 one (initialize, then plain calls) are each answered by a fresh server for the caller.
import "server-only";
import { createHash } from "node:crypto";
import { userForToken } from "@/lib/auth/tokens";
import { env } from "@/lib/env";
import { isAllowedHost, isCrossSiteWrite } from "@/lib/http/guard";
import { readJson } from "@/lib/http/request";
import { errorToResponse } from "@/lib/http/response";
import { statelessMcpHandler } from "@/lib/mcp/stateless-http";
import { operatorMcpServer } from "@/lib/operator-mcp/operator-server";
import { rateExceeded, takeRateToken } from "@/lib/operator-mcp/rate-limit";

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

// the caller travels to the server factory with the request (checked here; the SDK passes it through)
const serve = statelessMcpHandler(operatorMcpServer, { maxRequestBodySize: MCP_BODY_MAX_BYTES });

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
    const key = createHash("sha256").update(token).digest("hex");
    const perMinute = options.callsPerMinute ?? MCP_CALLS_PER_MINUTE;
    const tooMany = (retryAfterSeconds: number) => jsonError(429, `Too many requests with this token: at most ${perMinute} a minute`, { "retry-after": String(retryAfterSeconds) });
    // a token past its rate is refused before it is looked up or its body read
    const over = rateExceeded(key, perMinute);
    if (over) return tooMany(over.retryAfterSeconds);
    const user = await userForToken(token);
    if (!user) return jsonError(401, "This API token is not valid: it is wrong, revoked, or its user is disabled");
    // counted once the token is known: a made-up one opens no window, so a flood of them cannot push a
    // real token's count out of memory (and so reset it)
    const taken = takeRateToken(key, perMinute);
    if (!taken.ok) return tooMany(taken.retryAfterSeconds);
    const body = await readJson(req, MCP_BODY_MAX_BYTES);
    // a JSON-RPC batch would carry up to 100 calls past one rate token; MCP has had none since 2025-06-18
    if (Array.isArray(body)) {
      return new Response(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Batches are not part of MCP: send one message per request" } }), {
        status: 400,
        headers: { "content-type": "application/json", "cache-control": "no-store" },
      });
    }
    return await serve(req, { caller: user, clientId: user.id, scopes: user.tokenScope ? [user.tokenScope] : [], parsedBody: body });
  } catch (error) {
    return errorToResponse(error);
  }
}
