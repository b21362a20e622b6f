// GET /api/mcp/servers?connect=1 - every MCP server with scope, transport, status, error and tools (no secrets)
import { tokenAllows } from "@/lib/auth/scopes";
import { apiRoute } from "@/lib/http/route";
import { forbidden, json } from "@/lib/http/response";
import { listMcpServers } from "@/lib/mcp/servers";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req, user }) => {
  const connect = new URL(req.url).searchParams.get("connect") === "1";
  // connecting starts server processes: an admin's (and an admin token's) decision only
  if (connect && (user.role !== "admin" || !tokenAllows(user, "admin"))) return forbidden("Only an admin can start servers (connect=1)");
  const { servers, fileErrors } = await listMcpServers(connect, user);
  return json({ items: servers, fileErrors, nextCursor: null });
});
