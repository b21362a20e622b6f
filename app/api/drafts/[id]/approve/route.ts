// POST /api/drafts/:id/approve { version?, note? } - approve one version; the run continues exactly once
import { approveDraftAndContinue } from "@/lib/engine/approvals";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ id: string }>(
  "user",
  async ({ req, params, user }) => {
    return json(await approveDraftAndContinue(params.id, await readJson(req), { id: user.id, label: user.email }));
  },
  { scope: "run" },
);
