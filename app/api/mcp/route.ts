// POST /api/mcp - Switchboard itself as an MCP server (Streamable HTTP, stateless) for API tokens; the token's scope decides the tools
import { handleOperatorMcpRequest } from "@/lib/operator-mcp/operator-http";

export const dynamic = "force-dynamic";

// Not apiRoute: MCP answers in its own shapes, and only an API token is accepted (no session cookie, no
// step token); handleOperatorMcpRequest checks Host, Origin, the token, the rate and the body size.
async function handle(req: Request): Promise<Response> {
  return handleOperatorMcpRequest(req);
}

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
