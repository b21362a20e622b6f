// GET /api/runs/:id?afterEventId= - one run: status, steps (every attempt, with tool calls), usage, events
import { ZAfterEventId } from "@/lib/engine/engine.schema";
import { getRunDetail } from "@/lib/engine/run-detail";
import { apiRoute } from "@/lib/http/route";
import { json, notFound } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("user", async ({ req, params }) => {
  const run = await getRunDetail(params.id, { afterEventId: ZAfterEventId.parse(new URL(req.url).searchParams.get("afterEventId") ?? 0) });
  return run ? json(run) : notFound("No such run");
});
