// GET /api/drafts/:id - one draft with its versions; PUT /api/drafts/:id { title?, body, baseVersion? } - save a new version
import { getDraftDetail, saveDraftVersion } from "@/lib/drafts/drafts";
import { DRAFT_BODY_MAX_BYTES } from "@/lib/drafts/drafts.schema";
import { apiRoute } from "@/lib/http/route";
import { json, readJson } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("user", async ({ params }) => json(await getDraftDetail(params.id)));

export const PUT = apiRoute<{ id: string }>("user", async ({ req, params, user }) => {
  const body = await readJson(req, DRAFT_BODY_MAX_BYTES + 64 * 1024);
  return json(await saveDraftVersion(params.id, body, { id: user.id, label: user.email }));
});
