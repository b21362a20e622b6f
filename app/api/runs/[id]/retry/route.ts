// POST /api/runs/:id/retry - resume a failed or cancelled run from the step that did not succeed
import { retryRun } from "@/lib/engine/run-control";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>(
  "user",
  async ({ params, user }) => {
    return json(await retryRun(params.id, { id: user.id, label: user.email }), 202);
  },
  { scope: "run" },
);
