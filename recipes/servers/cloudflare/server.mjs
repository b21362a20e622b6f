// @ts-check
// Switchboard's own Cloudflare MCP server (stdio): one tool, purge_cache. No npm MCP server purges
// Cloudflare's cache (the official one manages Workers, KV, D1 and routes), and a blog post that goes
// live behind Cloudflare needs its home page and feed purged.
//
// Environment:
//   CLOUDFLARE_API_TOKEN     an API token with the zone's "Cache Purge" permission (required for a call)
//   CLOUDFLARE_API_BASE_URL  default https://api.cloudflare.com/client/v4 (a stand-in in tests)
//   CLOUDFLARE_TIMEOUT_MS    default 30000
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
// Cloudflare takes at most 30 URLs per purge request on Free, Pro and Business plans
const MAX_FILES = 30;

const baseUrl = (process.env.CLOUDFLARE_API_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, "");
const timeoutMs = Number(process.env.CLOUDFLARE_TIMEOUT_MS || 30_000);

/** @param {string} text */
function failure(text) {
  return { content: [{ type: /** @type {const} */ ("text"), text }], isError: true };
}

/**
 * Cloudflare's own words from its `{ success, errors: [{ code, message }] }` envelope.
 * @param {unknown} body
 */
function cloudflareErrors(body) {
  const errors = body && typeof body === "object" && Array.isArray(/** @type {{ errors?: unknown }} */ (body).errors) ? /** @type {{ errors: unknown[] }} */ (body).errors : [];
  return errors
    .map((e) => {
      const { code, message } = /** @type {{ code?: unknown; message?: unknown }} */ (e ?? {});
      return [code, message].filter((part) => part !== undefined && part !== null && part !== "").join(" ");
    })
    .filter(Boolean)
    .join("; ");
}

/** One server per connection (serveStdio pins one for the process): the same tool on both protocol revisions. */
function cloudflareServer() {
  const server = new McpServer({ name: "switchboard-cloudflare", version: "1.0.0" });

  server.registerTool(
    "purge_cache",
    {
      title: "Purge Cloudflare cache",
      description: "Purges cached content of one Cloudflare zone: everything, or a list of URLs (at most 30). " + "Cloudflare fetches purged content from the origin again on the next request.",
      inputSchema: z.object({
        zone_id: z
          .string()
          .regex(/^[0-9a-f]{32}$/, "a zone id is 32 hexadecimal characters (the zone's Overview page shows it)")
          .describe("The zone's id (32 hex characters)"),
        everything: z.boolean().optional().describe("Purge everything cached for the zone"),
        files: z.array(z.string().url()).min(1).max(MAX_FILES).optional().describe(`URLs to purge, at most ${MAX_FILES}`),
      }),
      annotations: {
        // it removes cached copies (a full purge sends every next request to the origin), nothing else;
        // purging the same thing twice changes nothing more, so a call whose answer was lost may be re-sent
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: true,
      },
    },
    async ({ zone_id, everything, files }) => {
      if ((everything === true) === (files !== undefined)) return failure("Give either everything: true or a list of files, not both and not neither");
      const token = process.env.CLOUDFLARE_API_TOKEN;
      if (!token) return failure("CLOUDFLARE_API_TOKEN is not set for the cloudflare server: add it to its env in mcp.json");
      const url = `${baseUrl}/zones/${zone_id}/purge_cache`;
      /** @type {Response} */
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify(everything ? { purge_everything: true } : { files }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        // node's fetch names the network failure in its cause (ECONNREFUSED, ENOTFOUND, ...)
        const code = error instanceof Error && typeof error.cause === "object" && error.cause !== null && "code" in error.cause ? String(error.cause.code) : undefined;
        const cause = code ?? (error instanceof Error ? error.message : String(error));
        // the host only: Switchboard keeps a server's env values (the base URL among them) out of what it shows
        return failure(`Could not reach Cloudflare's API at ${new URL(baseUrl).host}: ${cause}`);
      }
      const text = await response.text();
      /** @type {unknown} */
      let body = null;
      try {
        body = JSON.parse(text);
      } catch {
        // a proxy's HTML error page: the status says enough
      }
      const ok = response.ok && body !== null && typeof body === "object" && /** @type {{ success?: unknown }} */ (body).success === true;
      if (!ok) {
        const words = cloudflareErrors(body) || (body === null ? "the answer was not JSON" : "no error message");
        return failure(`Cloudflare did not purge zone ${zone_id} (HTTP ${response.status}): ${words}`);
      }
      const list = files ?? [];
      const purged = everything ? "everything" : list;
      const summary = everything ? `Purged everything cached for zone ${zone_id}` : `Purged ${list.length} URL${list.length === 1 ? "" : "s"} from zone ${zone_id}: ${list.join(", ")}`;
      return {
        content: [{ type: "text", text: summary }],
        structuredContent: { zone_id, purged, result: /** @type {{ result?: unknown }} */ (body).result ?? null },
      };
    },
  );

  return server;
}

// both revisions over stdio: 2025-11-25 clients open with initialize, 2026-07-28 clients with server/discover
serveStdio(cloudflareServer);
