// GET /api/drafts/:id - one draft, its versions and, while pending, what approval sends; PUT /api/drafts/:id { title?, body, baseVersion? } - save a new version
import { getDraftForReview } from "@/lib/engine/draft-review";
import { saveDraftVersion } from "@/lib/drafts/drafts";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

// a 2 MB body grows when JSON-escaped (newlines, quotes); past this the request is refused with 413
const PUT_MAX_BYTES = 3 * 1024 * 1024;

export const GET = apiRoute<{ id: string }>("user", async ({ params }) => {
  return json(await getDraftForReview(params.id));
});

export const PUT = apiRoute<{ id: string }>(
  "user",
  async ({ req, params, user }) => {
    const body = await readJson(req, PUT_MAX_BYTES);
    return json(await saveDraftVersion(params.id, body, { id: user.id, label: user.email }));
  },
  { scope: "run" },
);
