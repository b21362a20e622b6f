// POST /api/drafts/:id/reject { note } - reject the draft and end its run as rejected
import { rejectDraftAndEndRun } from "@/lib/engine/approvals";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>(
  "user",
  async ({ req, params, user }) => {
    return json(await rejectDraftAndEndRun(params.id, await readJson(req), { id: user.id, label: user.email }));
  },
  { scope: "run" },
);
