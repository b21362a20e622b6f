// GET /api/notifications?limit=&cursor= - the delivery log, newest first (admins only)
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";
import { listDeliveries } from "@/lib/notify/delivery-log";
import { ZListDeliveriesQuery } from "@/lib/notify/notify.schema";

export const dynamic = "force-dynamic";

export const GET = apiRoute("admin", async ({ req }) => {
  const params = new URL(req.url).searchParams;
  const query = ZListDeliveriesQuery.parse({ limit: params.get("limit") ?? undefined, cursor: params.get("cursor") ?? undefined });
  return json(await listDeliveries(query));
});
