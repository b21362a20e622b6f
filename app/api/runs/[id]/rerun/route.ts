// POST /api/runs/:id/rerun { runner?, model? } - run a finished run again with the same inputs and client, its agent steps on another runner -> 202 { id }
import { rerunRun } from "@/lib/engine/rerun";
import { ZRerunRequest } from "@/lib/engine/rerun.schema";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>("user", async ({ req, params, user }) => {
  const body = ZRerunRequest.parse(await readJson(req, 10_000));
  return json(await rerunRun(params.id, body, { id: user.id, label: user.email }), 202);
}, { scope: "run" });
