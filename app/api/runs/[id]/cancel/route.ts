// POST /api/runs/:id/cancel - cancel a queued, waiting or running run
import { cancelRun } from "@/lib/engine/run-control";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>(
  "user",
  async ({ params, user }) => {
    return json(await cancelRun(params.id, { id: user.id, label: user.email }));
  },
  { scope: "run" },
);
