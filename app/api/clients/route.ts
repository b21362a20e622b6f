// GET /api/clients - list clients; POST /api/clients - create one (and its folder)
import { clientView } from "@/lib/clients/client-detail";
import { createClient, listClients } from "@/lib/clients/clients";
import { apiRoute } from "@/lib/http/route";
import { json, readJson } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req }) => {
  const url = new URL(req.url);
  const clients = await listClients({ includeArchived: url.searchParams.get("archived") === "true" });
  return json({ items: clients.map(clientView), nextCursor: null });
});

export const POST = apiRoute("user", async ({ req, user }) => {
  const client = await createClient(await readJson(req), { id: user.id, label: user.email });
  return json(clientView(client), 201);
});
