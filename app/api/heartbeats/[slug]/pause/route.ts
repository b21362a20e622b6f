// POST /api/heartbeats/:slug/pause - stop watching and running it until resumed (kept across restarts)
import { pauseHeartbeat } from "@/lib/heartbeats/control";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ slug: string }>("user", async ({ params, user }) => json(await pauseHeartbeat(params.slug, { id: user.id, label: user.email })), { scope: "run" });
