// POST /api/mcp/servers/:name/tools/:tool { arguments, client? } - call one tool (admin only); recorded as an ad-hoc run
import { z } from "zod";
import { apiRoute } from "@/lib/http/route";
import { json, readJson } from "@/lib/http/response";
import { callToolAdHoc } from "@/lib/engine/adhoc-calls";

const ZBody = z.object({ arguments: z.record(z.string(), z.unknown()).default({}), client: z.string().max(64).nullish() });

export const POST = apiRoute<{ name: string; tool: string }>("admin", async ({ req, params, user }) => {
  const body = ZBody.parse(await readJson(req, 4 * 1024 * 1024));
  const result = await callToolAdHoc({ server: params.name, tool: params.tool, arguments: body.arguments, clientSlug: body.client ?? null }, { id: user.id, label: user.email });
  return json({ content: result.content, structuredContent: result.structuredContent, isError: result.isError, error: result.error ?? null, durationMs: result.durationMs, runId: result.runId, truncated: result.truncated });
});
