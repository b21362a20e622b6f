// The gateway as an MCP server: what claude-code gets in-process through the Agent SDK, and what the
// HTTP gateway serves to codex. Its tools are exactly the session's, with raw JSON schemas (no
// conversion); each call goes through GatewaySession.call, so the same checks and records apply.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { GatewaySession } from "@/lib/mcp/gateway";

export const GATEWAY_SERVER_NAME = "switchboard";

export function gatewayMcpServer(session: GatewaySession): McpServer {
  const server = new McpServer({ name: GATEWAY_SERVER_NAME, version: "1.0.0" }, { capabilities: { tools: { listChanged: false } } });
  // the low-level handlers: McpServer.registerTool wants zod shapes, the gateway has JSON schemas
  server.server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await session.listTools()).map((t) => ({ name: t.name, description: t.description, inputSchema: { ...t.inputSchema, type: "object" as const }, annotations: t.annotations })),
  }));
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const result = await session.call(request.params.name, request.params.arguments ?? {}, { signal: extra.signal });
    const content = (result.content.length ? result.content : [{ type: "text", text: result.error ?? "" }]) as CallToolResult["content"];
    return {
      content,
      ...(result.structuredContent !== undefined && !result.isError ? { structuredContent: result.structuredContent as Record<string, unknown> } : {}),
      isError: result.isError,
    };
  });
  return server;
}
