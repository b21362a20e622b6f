// GET /api/health - liveness for scripts and uptime checks (no auth; reveals no data)
import { checkHealth } from "@/lib/health";
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";

export const dynamic = "force-dynamic";

export const GET = apiRoute("public", async () => {
  const health = await checkHealth();
  return json(health, health.ok ? 200 : 503);
});
