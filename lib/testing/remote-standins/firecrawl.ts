// A stand-in for Firecrawl's API v2 at the paths firecrawl-mcp (through the firecrawl SDK) calls when
// FIRECRAWL_API_URL points at a self-hosted instance: POST /v2/scrape with a Bearer API key, answered
// `{ success: true, data: { markdown, metadata } }`, errors as `{ success: false, error }`.
import { bearerToken, startHttpStandin, type HttpStandin } from "@/lib/testing/remote-standins/http-standin";

export type FirecrawlPage = { title: string; markdown: string };

export type FirecrawlStandin = HttpStandin & { readonly scraped: string[] };

export async function startFirecrawlStandin(options: { apiKey: string; pages: Record<string, FirecrawlPage> }): Promise<FirecrawlStandin> {
  const scraped: string[] = [];
  let count = 0;
  const standin = await startHttpStandin((req) => {
    if (bearerToken(req.headers) !== options.apiKey) return { status: 401, body: { success: false, error: "Unauthorized: Invalid token" } };
    if (req.path !== "/v2/scrape" || req.method !== "POST") return { status: 404, body: { success: false, error: `Cannot ${req.method} ${req.path}` } };
    const body = (req.body ?? {}) as { url?: unknown };
    if (typeof body.url !== "string" || !/^https?:\/\//.test(body.url)) {
      return { status: 400, body: { success: false, code: "BAD_REQUEST", error: "Bad Request", details: [{ code: "invalid_string", validation: "url", message: "Invalid URL", path: ["url"] }] } };
    }
    scraped.push(body.url);
    const page = options.pages[body.url];
    const scrapeId = `standin-scrape-${++count}`;
    const metadata = {
      title: page?.title ?? "Not Found",
      sourceURL: body.url,
      url: body.url,
      statusCode: page ? 200 : 404,
      contentType: "text/html; charset=utf-8",
      scrapeId,
      proxyUsed: "basic",
      cacheState: "miss",
      creditsUsed: 1,
    };
    return { status: 200, body: { success: true, data: { markdown: page?.markdown ?? "# Not Found", metadata } } };
  });
  return Object.assign(standin, { scraped });
}
