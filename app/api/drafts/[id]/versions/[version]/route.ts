// GET /api/drafts/:id/versions/:version - one version of a draft with its body (the diff view reads these)
import { getDraftVersion } from "@/lib/drafts/drafts";
import { ZDraftVersionParam } from "@/lib/drafts/drafts.schema";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; version: string }>("user", async ({ params }) => {
  // a version never changes once written, so the browser may keep it
  return json(await getDraftVersion(params.id, ZDraftVersionParam.parse(params.version)), 200, { "cache-control": "private, max-age=3600, immutable" });
});
