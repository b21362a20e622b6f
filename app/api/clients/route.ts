// GET /api/clients?archived=true&limit=&cursor= - clients, newest first; POST /api/clients - create one (and its folder)
import { clientView, listClientsPage } from "@/lib/clients/client-detail";
import { createClient } from "@/lib/clients/clients";
import { listClientsQuery } from "@/lib/clients/clients.schema";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req }) => json(await listClientsPage(listClientsQuery(new URL(req.url).searchParams))));

export const POST = apiRoute("user", async ({ req, user }) => {
  const client = await createClient(await readJson(req), { id: user.id, label: user.email });
  return json(clientView(client), 201);
});
