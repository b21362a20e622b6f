// GET /api/clients/:slug - one client, with its memory (CLAUDE.md)
import { getClient, readClientMemory } from "@/lib/clients/clients";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string }>("user", async ({ params }) => {
  const client = await getClient(params.slug);
  return json({
    slug: client.slug,
    name: client.name,
    description: client.description,
    monthlyBudgetUsd: client.monthlyBudgetUsd,
    archived: client.archivedAt !== null,
    archivedAt: client.archivedAt,
    createdAt: client.createdAt,
    memory: readClientMemory(client.slug),
  });
});
