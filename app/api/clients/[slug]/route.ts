// GET /api/clients/:slug - one client, with its memory (CLAUDE.md) and spend { monthUsd, budgetUsd, tokens }
import { getClientDetail } from "@/lib/clients/client-detail";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>("user", async ({ params }) => {
  const { id: _id, memoryView: _view, ...client } = await getClientDetail(params.slug);
  return json(client);
});
