// Both MCP protocol revisions from one stateless handler (the v2 SDK), for /api/mcp and the HTTP gateway.
// The caller checks the request first (its own token, Host, rate) and hands over who is calling; then a
// request with the 2026-07-28 envelope in its _meta (server/discover, tools/list, tools/call; no
// initialize) goes to createMcpHandler, which checks the revision (-32022 for one it does not serve), and
// a 2025-11-25 request (initialize, then plain calls) to a stateless Streamable HTTP transport that
// answers in JSON. Either way a fresh server from the same factory answers it, so nothing lives between
// requests and a revoked token fails at its next one.
import "server-only";
import { type AuthInfo, createMcpHandler, isLegacyRequest, type McpRequestContext, type Server, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";

/** Who a checked request is from: `caller` reaches the server factory (through the request's AuthInfo). */
export type StatelessMcpCall<T> = {
  caller: T;
  clientId: string;
  scopes?: string[];
  /** the body when the caller has already read it (else it is read here, under the same bound) */
  parsedBody?: unknown;
};

export type StatelessMcpHandler<T> = (req: Request, call: StatelessMcpCall<T>) => Promise<Response>;

export function statelessMcpHandler<T>(serverFor: (caller: T) => Server, options: { maxRequestBodySize: number }): StatelessMcpHandler<T> {
  const { maxRequestBodySize } = options;
  // 2026-07-28 only (legacy: "reject"); 2025-era requests never reach it (isLegacyRequest routes them first)
  const modern = createMcpHandler(
    (ctx: McpRequestContext) => {
      const extra = ctx.authInfo?.extra as { caller?: T } | undefined;
      if (!extra || extra.caller === undefined) throw new Error("MCP: a request reached the server without its checked caller");
      return serverFor(extra.caller);
    },
    { legacy: "reject", maxRequestBodySize },
  );

  async function serveLegacy(req: Request, caller: T, parsedBody: unknown): Promise<Response> {
    const server = serverFor(caller);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(req, parsedBody === undefined ? {} : { parsedBody });
    } finally {
      await server.close().catch(() => undefined);
    }
  }

  return async (req, call) => {
    if (await isLegacyRequest(req, call.parsedBody, { maxRequestBodySize })) return await serveLegacy(req, call.caller, call.parsedBody);
    const authInfo: AuthInfo = { token: "checked", clientId: call.clientId, scopes: call.scopes ?? [], extra: { caller: call.caller } };
    return await modern.fetch(req, call.parsedBody === undefined ? { authInfo } : { parsedBody: call.parsedBody, authInfo });
  };
}
