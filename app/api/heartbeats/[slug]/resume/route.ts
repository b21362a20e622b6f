// POST /api/heartbeats/:slug/resume - watch and run it again from now
import { resumeHeartbeat } from "@/lib/heartbeats/control";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const POST = apiRoute<{ slug: string }>("user", async ({ params, user }) => json(await resumeHeartbeat(params.slug, { id: user.id, label: user.email })), { scope: "run" });
