// A stand-in for DataForSEO's API v3 (https://api.dataforseo.com), for the two Live endpoints the blog
// post recipe calls: SERP (Google organic, regular) and DataForSEO Labs related keywords, with Basic
// auth and DataForSEO's envelope `{ status_code, status_message, tasks: [{ status_code, result }] }`.
// dataforseo-mcp-server has the address built in: the tests reach this stand-in only through
// lib/testing/fixtures/redirect-fetch.mjs, which sends that origin's requests here.
import { randomUUID } from "node:crypto";
import { basicCredentials, startHttpStandin, type HttpStandin } from "@/lib/testing/remote-standins/http-standin";

export const DATAFORSEO_ORIGIN = "https://api.dataforseo.com";

export type DataForSeoResult = { title: string; url: string; description: string };

export type DataForSeoStandin = HttpStandin;

function envelope(statusCode: number, message: string, tasks: unknown[]) {
  return {
    version: "0.1.20260101",
    status_code: statusCode,
    status_message: message,
    time: "0.1 sec.",
    cost: 0.002 * tasks.length,
    tasks_count: tasks.length,
    tasks_error: tasks.filter((t) => (t as { status_code: number }).status_code !== 20000).length,
    tasks,
  };
}

function task(path: string, data: unknown, result: unknown[]) {
  return { id: randomUUID(), status_code: 20000, status_message: "Ok.", time: "0.05 sec.", cost: 0.002, result_count: result.length, path: path.split("/").filter(Boolean), data, result };
}

export async function startDataForSeoStandin(options: { login: string; password: string; results: DataForSeoResult[]; relatedKeywords: { keyword: string; searchVolume: number }[] }): Promise<DataForSeoStandin> {
  return startHttpStandin((req) => {
    const creds = basicCredentials(req.headers);
    if (!creds || creds.user !== options.login || creds.password !== options.password) return { status: 401, body: envelope(40100, "You are not authorized to access this resource.", []) };
    const path = req.path.replace(/\.ai$/, "");
    const data = (Array.isArray(req.body) ? req.body[0] : req.body) as { keyword?: string; keywords?: string[]; location_code?: number; language_code?: string } | null;
    const keyword = data?.keyword ?? data?.keywords?.[0] ?? "";
    if (req.method !== "POST" || !data) return { status: 200, body: envelope(40000, "Invalid Field: 'tasks'.", []) };
    if (path === "/v3/serp/google/organic/live/regular") {
      const items = options.results.map((r, i) => ({
        type: "organic",
        rank_group: i + 1,
        rank_absolute: i + 1,
        domain: new URL(r.url).hostname,
        title: r.title,
        description: r.description,
        url: r.url,
        breadcrumb: r.url,
      }));
      const result = {
        keyword,
        type: "organic",
        se_domain: "google.com",
        location_code: data.location_code ?? 2840,
        language_code: data.language_code ?? "en",
        check_url: `https://www.google.com/search?q=${encodeURIComponent(keyword)}`,
        datetime: new Date().toISOString(),
        spell: null,
        item_types: ["organic"],
        se_results_count: 1_000_000,
        items_count: items.length,
        items,
      };
      return { status: 200, body: envelope(20000, "Ok.", [task(path, { api: "serp", function: "live", se: "google", se_type: "organic", ...data }, [result])]) };
    }
    if (path === "/v3/dataforseo_labs/google/related_keywords/live") {
      const items = options.relatedKeywords.map((k, i) => ({
        se_type: "google",
        keyword_data: {
          se_type: "google",
          keyword: k.keyword,
          location_code: data.location_code ?? 2840,
          language_code: data.language_code ?? "en",
          keyword_info: { se_type: "google", search_volume: k.searchVolume, competition: 0.3, competition_level: "MEDIUM", cpc: 1.2 },
        },
        depth: 1,
        related_keywords: options.relatedKeywords.filter((_, j) => j !== i).map((o) => o.keyword),
      }));
      const result = {
        se_type: "google",
        seed_keyword: keyword,
        seed_keyword_data: null,
        location_code: data.location_code ?? 2840,
        language_code: data.language_code ?? "en",
        total_count: items.length,
        items_count: items.length,
        items,
      };
      return { status: 200, body: envelope(20000, "Ok.", [task(path, { api: "dataforseo_labs", function: "related_keywords", se_type: "google", ...data }, [result])]) };
    }
    return { status: 404, body: envelope(40400, "Not Found.", []) };
  });
}
