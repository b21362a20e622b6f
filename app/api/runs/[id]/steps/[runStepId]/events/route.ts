// GET /api/runs/:id/steps/:runStepId/events?after=&before=&limit= - one step's transcript events, a page at a time
import { listStepEvents } from "@/lib/engine/transcript";
import { apiRoute } from "@/lib/http/route";
import { badRequest, json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

function cursor(value: string | null): number | undefined | null {
  if (value === null || value === "") return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export const GET = apiRoute<{ id: string; runStepId: string }>("user", async ({ req, params }) => {
  const q = new URL(req.url).searchParams;
  const after = cursor(q.get("after"));
  const before = cursor(q.get("before"));
  const limit = cursor(q.get("limit"));
  if (after === null || before === null || limit === null) return badRequest("after, before and limit must be whole numbers");
  return json(await listStepEvents(params.id, params.runStepId, { after, before, limit }));
});
