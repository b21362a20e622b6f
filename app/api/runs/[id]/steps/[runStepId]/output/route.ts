// GET /api/runs/:id/steps/:runStepId/output - one step attempt's whole output (the run detail leaves large ones out)
import { getStepOutput } from "@/lib/engine/run-payloads";
import { apiRoute } from "@/lib/http/route";
import { json, notFound } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; runStepId: string }>("user", async ({ params }) => {
  const found = await getStepOutput(params.id, params.runStepId);
  return found ? json(found) : notFound("No such step in this run");
});
