// GET /api/heartbeats?client= - every heartbeat: slug, status, lastSignalAt, nextDueAt, pingUrl (and more)
import { tokenAllows } from "@/lib/auth/scopes";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req, user }) => {
  const client = new URL(req.url).searchParams.get("client") ?? undefined;
  // a ping URL is a credential: for those who may run pipelines (a session, a run or admin token), not a read token
  const { items, errors } = await listHeartbeatSummaries({ clientSlug: client, withPingUrls: tokenAllows(user, "run") });
  return json({ items, nextCursor: null, errors });
});
