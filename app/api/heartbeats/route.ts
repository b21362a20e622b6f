// GET /api/heartbeats?client= - every heartbeat: slug, status, lastSignalAt, nextDueAt, pingUrl (and more)
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req }) => {
  const client = new URL(req.url).searchParams.get("client") ?? undefined;
  const { items, errors } = await listHeartbeatSummaries({ clientSlug: client });
  return json({ items, nextCursor: null, errors });
});
