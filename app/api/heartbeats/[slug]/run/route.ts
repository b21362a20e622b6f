// POST /api/heartbeats/:slug/run - run a scheduled pipeline now -> 202 { id } (409 while a run is still going)
import { runHeartbeatNow } from "@/lib/heartbeats/control";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ slug: string }>("user", async ({ params, user }) => json(await runHeartbeatNow(params.slug, { id: user.id, label: user.email }), 202), { scope: "run" });
