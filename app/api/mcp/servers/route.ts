// GET /api/mcp/servers?connect=1 - every MCP server (connect: admins only) with scope, transport, status, error and tools (no secrets)
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";
import { listMcpServers } from "@/lib/mcp/servers";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req, user }) => {
  const connect = new URL(req.url).searchParams.get("connect") === "1";
  const { servers, fileErrors } = await listMcpServers(connect, user);
  return json({ items: servers, fileErrors, nextCursor: null });
});
