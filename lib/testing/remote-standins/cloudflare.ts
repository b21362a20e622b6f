// A stand-in for Cloudflare's API v4 cache purge (POST /client/v4/zones/<zone id>/purge_cache), in its
// own envelope: `{ success, errors: [{ code, message }], messages, result }`. It knows one token and the
// zones that token may purge, and keeps every purge it accepted.
import { bearerToken, startHttpStandin, type HttpStandin, type StandinReply } from "@/lib/testing/remote-standins/http-standin";

export type CloudflarePurge = { zoneId: string; everything: boolean; files: string[] };

export type CloudflareStandin = HttpStandin & {
  /** what CLOUDFLARE_API_BASE_URL is set to */
  apiBaseUrl: string;
  readonly purges: CloudflarePurge[];
};

const envelope = (success: boolean, result: unknown, errors: { code: number; message: string }[] = []) => ({ success, errors, messages: [], result });
const refuse = (status: number, code: number, message: string): StandinReply => ({ status, body: envelope(false, null, [{ code, message }]) });

export async function startCloudflareStandin(options: { token: string; zones: string[] }): Promise<CloudflareStandin> {
  const purges: CloudflarePurge[] = [];
  const standin = await startHttpStandin((req) => {
    const match = /^\/client\/v4\/zones\/([^/]+)\/purge_cache$/.exec(req.path);
    if (!match) return refuse(404, 7000, `No route for that URI`);
    if (req.method !== "POST") return refuse(405, 10405, "Method not allowed for this endpoint");
    if (bearerToken(req.headers) !== options.token) return refuse(403, 10000, "Authentication error");
    const zoneId = match[1];
    if (!options.zones.includes(zoneId)) return refuse(404, 7003, `Could not route to /zones/${zoneId}/purge_cache, perhaps your object identifier is invalid?`);
    const body = (req.body ?? {}) as { purge_everything?: unknown; files?: unknown };
    const everything = body.purge_everything === true;
    const files = Array.isArray(body.files) ? body.files.map((f) => (typeof f === "string" ? f : String((f as { url?: unknown })?.url))) : [];
    if (everything === files.length > 0) return refuse(400, 1012, 'Request must contain one of "purge_everything", "files", "tags", "hosts" or "prefixes"');
    if (files.length > 30) return refuse(400, 1015, "Only 30 files can be purged per request");
    purges.push({ zoneId, everything, files });
    return { status: 200, body: envelope(true, { id: zoneId }) };
  });
  return Object.assign(standin, { apiBaseUrl: `${standin.url}/client/v4`, purges });
}
