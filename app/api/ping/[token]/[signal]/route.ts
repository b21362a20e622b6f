// GET|POST /api/ping/:token/start|fail|:exitCode - a job's start, failure, or exit code (0 = success)
import { handlePing } from "../handle-ping";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const handler = apiRoute<{ token: string; signal: string }>("public", async ({ req, params }) => handlePing(req, params.token, params.signal));
export const GET = handler;
export const POST = handler;
