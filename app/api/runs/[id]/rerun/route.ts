// POST /api/runs/:id/rerun { runner?, model? } - run a finished run again with the same inputs and client, its agent steps on another runner -> 202 { id }
import { actsAsAdmin } from "@/lib/auth/scopes";
import { rerunRun } from "@/lib/engine/rerun";
import { ZRerunRequest } from "@/lib/engine/rerun.schema";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>(
  "user",
  async ({ req, params, user }) => {
    const body = ZRerunRequest.parse(await readJson(req, 10_000));
    // another runner or model needs an admin, or a runner the pipeline lists in `alternatives` (else 403)
    return json(await rerunRun(params.id, body, { id: user.id, label: user.email }, actsAsAdmin(user) ? "admin" : "operator"), 202);
  },
  { scope: "run" },
);
