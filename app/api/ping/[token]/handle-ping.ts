// The ping routes' one body (GET or POST, with or without a signal segment), shared by /api/ping/:token and
// /api/ping/:token/:signal. No session: the token in the URL is the credential, and no cookie is read, so
// the route only checks Host (DNS rebinding). A token over its rate (about 60 signals a minute) gets 429
// before its body is read or the database asked.
import { json, notFound } from "@/lib/http/response";
import { parsePingSignal, readPingBody, recordPing } from "@/lib/heartbeats/ping";
import { takePing } from "@/lib/heartbeats/ping-limit";
import { hashPingToken, PING_TOKEN_PATTERN } from "@/lib/heartbeats/ping-token";

const NOT_FOUND = "Not found";

export async function handlePing(req: Request, token: string, segment: string | undefined): Promise<Response> {
  const signal = parsePingSignal(segment);
  if (!signal || !PING_TOKEN_PATTERN.test(token)) return notFound(NOT_FOUND);
  const limited = takePing(hashPingToken(token));
  if (limited) {
    // the body is never read: cancel it so the connection does not wait on an upload
    await req.body?.cancel().catch(() => undefined);
    return json({ error: "Too many pings for this URL: about 60 a minute are taken" }, 429, { "retry-after": String(limited.retryAfterS) });
  }
  const body = req.method === "POST" ? await readPingBody(req.body) : null;
  const found = await recordPing(token, signal, body);
  if (!found) return notFound(NOT_FOUND);
  return new Response("OK\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}
