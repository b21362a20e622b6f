// GET /api/runs/:id/tool-calls/:callId/result - one tool call's whole stored result (the run detail leaves large ones out)
import { getToolCallResult } from "@/lib/engine/run-payloads";
import { apiRoute } from "@/lib/http/route";
import { json, notFound } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; callId: string }>("user", async ({ params }) => {
  const found = await getToolCallResult(params.id, params.callId);
  return found ? json(found) : notFound("No such tool call in this run");
});
