// GET|POST /api/ping/:token - a job that runs elsewhere reports success (no session; the token is the secret)
import { handlePing } from "./handle-ping";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const handler = apiRoute<{ token: string }>("public", async ({ req, params }) => handlePing(req, params.token, undefined));
export const GET = handler;
export const POST = handler;
