// GET /api/drafts/:id - one draft, its versions and, while pending, what approval sends; PUT /api/drafts/:id { title?, body, baseVersion? } - save a new version
import { approvalEffectSummary, describeApprovalEffect } from "@/lib/engine/approval-effect";
import { getDraftDetail, saveDraftVersion } from "@/lib/drafts/drafts";
import { apiRoute } from "@/lib/http/route";
import { json, readJson } from "@/lib/http/response";

export const dynamic = "force-dynamic";

// a 2 MB body grows when JSON-escaped (newlines, quotes); past this the request is refused with 413
const PUT_MAX_BYTES = 3 * 1024 * 1024;

export const GET = apiRoute<{ id: string }>("user", async ({ params }) => {
  const draft = await getDraftDetail(params.id);
  const effect = draft.status === "pending" ? await describeApprovalEffect(draft) : null;
  return json({ ...draft, approvalEffect: effect && { ...effect, summary: approvalEffectSummary(effect) } });
});

export const PUT = apiRoute<{ id: string }>("user", async ({ req, params, user }) => {
  const body = await readJson(req, PUT_MAX_BYTES);
  return json(await saveDraftVersion(params.id, body, { id: user.id, label: user.email }));
});
