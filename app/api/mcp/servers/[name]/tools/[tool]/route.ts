// POST /api/mcp/servers/:name/tools/:tool { arguments, client? } - call one tool (admin only); recorded as an ad-hoc run
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";
import { callToolAdHoc } from "@/lib/engine/adhoc-calls";
import { ZCallToolBody } from "@/lib/mcp/servers.schema";
import { toolCallReply } from "@/lib/mcp/tool-result";

// Runs the call inside the request like the /tools action: a deliberate exception (README, Development).
export const POST = apiRoute<{ name: string; tool: string }>("admin", async ({ req, params, user }) => {
  const body = ZCallToolBody.parse(await readJson(req, 4 * 1024 * 1024));
  const result = await callToolAdHoc({ server: params.name, tool: params.tool, arguments: body.arguments, clientSlug: body.client ?? null }, { id: user.id, label: user.email });
  return json(toolCallReply(result));
});
