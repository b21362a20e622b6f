// The gateway as an MCP server, in two thin adapters over one GatewaySession: gatewayMcpServer, a v1
// McpServer that claude-code gets in-process (the Claude Agent SDK's `type: "sdk"` server takes a v1
// instance), and gatewayHttpServer, a v2 Server that the HTTP gateway serves to codex on both protocol
// revisions. Their tools are exactly the session's, with raw JSON schemas (no conversion), and each call
// goes through GatewaySession.call, so the same checks and records apply; the adapters differ only in
// the SDK object.
import { type CallToolResult as CallToolResultV2, Server, type Tool as ToolV2 } from "@modelcontextprotocol/server";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type CallToolResult, CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { GatewaySession } from "@/lib/mcp/gateway";

export const GATEWAY_SERVER_NAME = "switchboard";
const INFO = { name: GATEWAY_SERVER_NAME, version: "1.0.0" };
const CAPABILITIES = { capabilities: { tools: { listChanged: false } } };

/** tools/list: the session's tools as MCP describes them (the same for both SDKs; also what `npm run bench` weighs). */
export async function listedTools(session: GatewaySession) {
  return (await session.listTools()).map((t) => ({ name: t.name, description: t.description, inputSchema: { ...t.inputSchema, type: "object" as const }, annotations: t.annotations }));
}

/** tools/call through the session; a failure with no content says why in a text block. */
async function calledTool(session: GatewaySession, name: string, args: unknown, signal: AbortSignal) {
  const result = await session.call(name, args ?? {}, { signal });
  return {
    content: result.content.length ? result.content : [{ type: "text", text: result.error ?? "" }],
    ...(result.structuredContent !== undefined && !result.isError ? { structuredContent: result.structuredContent as Record<string, unknown> } : {}),
    isError: result.isError,
  };
}

/** The in-process server (v1) for the Claude Agent SDK. */
export function gatewayMcpServer(session: GatewaySession): McpServer {
  const server = new McpServer(INFO, CAPABILITIES);
  // the low-level handlers: McpServer.registerTool wants zod shapes, the gateway has JSON schemas
  server.server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await listedTools(session) }));
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => (await calledTool(session, request.params.name, request.params.arguments, extra.signal)) as CallToolResult);
  return server;
}

/** A fresh server (v2) for one HTTP request of one step (stateless: nothing lives between requests). */
export function gatewayHttpServer(session: GatewaySession): Server {
  const server = new Server(INFO, CAPABILITIES);
  server.setRequestHandler("tools/list", async () => ({ tools: (await listedTools(session)) as ToolV2[] }));
  server.setRequestHandler("tools/call", async (request, ctx) => (await calledTool(session, request.params.name, request.params.arguments, ctx.mcpReq.signal)) as CallToolResultV2);
  return server;
}
