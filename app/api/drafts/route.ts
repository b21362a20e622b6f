// GET /api/drafts?status=&client=&pipeline=&limit=&cursor= - the drafts inbox, pending first
import { listDrafts } from "@/lib/drafts/drafts";
import { listDraftsQuery } from "@/lib/drafts/drafts.schema";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req }) => json(await listDrafts(listDraftsQuery(new URL(req.url).searchParams))));
