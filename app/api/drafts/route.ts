// GET /api/drafts?status=&client=&pipeline=&limit=&cursor= - the drafts inbox, pending first
import { z } from "zod";
import { listDrafts } from "@/lib/drafts/drafts";
import { DRAFT_STATUSES } from "@/lib/drafts/drafts.schema";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req }) => {
  const q = new URL(req.url).searchParams;
  return json(
    await listDrafts({
      status: z.enum(DRAFT_STATUSES, { error: `status must be one of ${DRAFT_STATUSES.join(", ")}` }).nullable().parse(q.get("status") || null),
      clientSlug: q.get("client"),
      pipeline: q.get("pipeline"),
      limit: q.get("limit") ?? undefined,
      cursor: q.get("cursor"),
    }),
  );
});
