// POST /api/drafts/:id/reject { note } - reject the draft and end its run as rejected
import { rejectDraft } from "@/lib/drafts/drafts";
import { applyDraftDecision } from "@/lib/engine/approvals";
import { apiRoute } from "@/lib/http/route";
import { json, readJson } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>("user", async ({ req, params, user }) => {
  return json(await rejectDraft(params.id, await readJson(req), { id: user.id, label: user.email }, applyDraftDecision));
});
