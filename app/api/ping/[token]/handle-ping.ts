// The ping routes' one body (GET or POST, with or without a signal segment), shared by /api/ping/:token and
// /api/ping/:token/:signal. No session: the token in the URL is the credential, and no cookie is read, so
// the route only checks Host (DNS rebinding).
import { notFound } from "@/lib/http/response";
import { parsePingSignal, readPingBody, recordPing } from "@/lib/heartbeats/ping";

const NOT_FOUND = "Not found";

export async function handlePing(req: Request, token: string, segment: string | undefined): Promise<Response> {
  const signal = parsePingSignal(segment);
  if (!signal) return notFound(NOT_FOUND);
  const body = req.method === "POST" ? await readPingBody(req.body) : null;
  const found = await recordPing(token, signal, body);
  if (!found) return notFound(NOT_FOUND);
  return new Response("OK\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}
