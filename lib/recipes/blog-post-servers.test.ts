// The blog post recipe's files and servers on their own: its mcp.json and pipeline pass the project's own
// loaders; dataforseo-mcp-server (address built in) lists its tools and fails a call clearly when it
// cannot reach DataForSEO; our Cloudflare server purges through a stand-in of Cloudflare's API and
// reports Cloudflare's own errors.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool } from "@/lib/mcp/send-call";
import { loadCheckUrls } from "@/lib/mcp/check-urls";
import { loadGlobalServers } from "@/lib/mcp/config";
import { getMcpPool } from "@/lib/mcp/pool";
import { checkPipelineReferences } from "@/lib/pipelines/check-pipeline";
import { parsePipelineText } from "@/lib/pipelines/load-pipelines";
import { queueRun } from "@/lib/engine/queue-run";
import { Worker } from "@/lib/engine/worker";
import { ACTOR, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { freePort, writeMcpJson } from "@/lib/testing/mcp-servers";
import { startCloudflareStandin, type CloudflareStandin } from "@/lib/testing/remote-standins/cloudflare";

const RECIPE = path.resolve("recipes/blog-post");
const CLOUDFLARE_SERVER = path.resolve("recipes/servers/cloudflare/server.mjs");
const DATAFORSEO_SERVER = path.resolve("node_modules/dataforseo-mcp-server/dist/index.js");
const ZONE = "fedcba9876543210fedcba9876543210";
const TOKEN = "cf-servers-test-token-19c2";
const VARIABLES = {
  DATAFORSEO_USERNAME: "login",
  DATAFORSEO_PASSWORD: "password-123456",
  FIRECRAWL_API_KEY: "fc-key-123456",
  WORDPRESS_SITE_URL: "https://client-blog.example.test",
  WORDPRESS_USERNAME: "editor",
  WORDPRESS_APP_PASSWORD: "abcd efgh ijkl mnop",
  CLOUDFLARE_API_TOKEN: "cf-token-123456",
};

let cloudflare: CloudflareStandin;
let worker: Worker;

beforeAll(async () => {
  cloudflare = await startCloudflareStandin({ token: TOKEN, zones: [ZONE] });
  const unreachable = `http://127.0.0.1:${await freePort()}/client/v4`;
  const entry = (token: string, base: string) => ({ command: "node", args: [CLOUDFLARE_SERVER], env: { CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_API_BASE_URL: base } });
  writeMcpJson({
    cloudflare: entry(TOKEN, cloudflare.apiBaseUrl),
    "cloudflare-wrong-token": entry("not-the-token-0000", cloudflare.apiBaseUrl),
    "cloudflare-down": entry(TOKEN, unreachable),
    dataforseo: { command: "node", args: [DATAFORSEO_SERVER], env: { DATAFORSEO_USERNAME: "offline-login", DATAFORSEO_PASSWORD: "offline-password" } },
  });
  worker = await new Worker({ pollMs: 20, leaseMs: 30_000 }).start();
});

afterAll(async () => {
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await cloudflare?.close();
});

describe("the recipe's files", () => {
  it("mcp.json loads with every server ready once its variables are set, and names each missing one otherwise", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "recipe-blog-post-"));
    fs.copyFileSync(path.join(RECIPE, "mcp.json"), path.join(root, "mcp.json"));
    for (const name of Object.keys(VARIABLES)) delete process.env[name];
    const missing = loadGlobalServers(root);
    expect(missing.entries.filter((e) => e.state === "error").map((e) => [e.name, e.error])).toEqual([
      ["dataforseo", "mcp.json mcpServers.dataforseo: ${DATAFORSEO_USERNAME} is not set; ${DATAFORSEO_PASSWORD} is not set"],
      ["firecrawl", "mcp.json mcpServers.firecrawl: ${FIRECRAWL_API_KEY} is not set"],
      ["wordpress", "mcp.json mcpServers.wordpress: ${WORDPRESS_SITE_URL} is not set; ${WORDPRESS_USERNAME} is not set; ${WORDPRESS_APP_PASSWORD} is not set"],
      ["cloudflare", "mcp.json mcpServers.cloudflare: ${CLOUDFLARE_API_TOKEN} is not set"],
    ]);

    Object.assign(process.env, VARIABLES);
    fs.utimesSync(path.join(root, "mcp.json"), new Date(), new Date(Date.now() + 5_000));
    const { entries, fileError } = loadGlobalServers(root);
    expect(fileError).toBeUndefined();
    expect(entries.map((e) => [e.name, e.state, e.transport])).toEqual([
      ["dataforseo", "ok", "stdio"],
      ["firecrawl", "ok", "stdio"],
      ["wordpress", "ok", "stdio"],
      ["cloudflare", "ok", "stdio"],
      ["files", "ok", "stdio"],
    ]);
    // every server is started with the Node that runs Switchboard, from this checkout
    for (const e of entries) {
      expect(e.resolved).toMatchObject({ command: process.execPath });
      if (e.resolved?.transport === "stdio") expect(fs.existsSync(e.resolved.args[0])).toBe(true);
    }
    expect(entries.find((e) => e.name === "firecrawl")?.resolved).toMatchObject({ env: { FIRECRAWL_API_URL: "https://api.firecrawl.dev" } });
    // the link a human checks when the post's creation has an unknown outcome
    expect(loadCheckUrls(root)).toEqual({ urls: { wordpress: "https://client-blog.example.test/wp-admin/edit.php?post_type=post" }, errors: [] });
  });

  it("the pipeline validates, its templates refer only to what exists, and the publish step waits for a human on an error", () => {
    const entry = parsePipelineText("blog-post", fs.readFileSync(path.join(RECIPE, "pipelines", "blog-post.yaml"), "utf8"));
    expect(entry.errors).toEqual([]);
    const definition = entry.definition;
    if (!definition) throw new Error("no definition");
    expect(checkPipelineReferences(definition)).toEqual([]);
    expect(definition.steps.map((s) => s.tool ?? (s.agent ? `agent:${s.agent.runner}` : "approval"))).toEqual([
      "dataforseo/api_request",
      "dataforseo/api_request",
      "firecrawl/firecrawl_scrape",
      "firecrawl/firecrawl_scrape",
      "firecrawl/firecrawl_scrape",
      "agent:claude-code",
      "files/read_text_file",
      "agent:claude-code",
      "approval",
      "wordpress/wp_create_post",
      "cloudflare/purge_cache",
    ]);
    expect(definition.steps.find((s) => s.id === "publish")?.on_error).toBe("outcome-unknown");
    // the agents reach no MCP tool: scraped pages are untrusted text
    expect(definition.steps.flatMap((s) => s.agent?.tools ?? [])).toEqual([]);
    expect(Object.keys(definition.inputs)).toEqual(["keyword", "status", "site_url", "zone_id", "location_code", "language_code"]);
  });

  it("on_error is refused on a step that is not a tool step", () => {
    const entry = parsePipelineText("bad-on-error", "name: Bad\nsteps:\n  - id: review\n    approval: { title: t, body: b }\n    on_error: outcome-unknown\n");
    expect(entry.errors).toEqual([expect.stringContaining("on_error: on_error belongs to tool steps")]);
  });
});

describe("dataforseo-mcp-server (its address is built in)", () => {
  it("lists its tools", async () => {
    const entry = await getMcpPool().resolve("dataforseo", null);
    const tools = await getMcpPool().tools(entry);
    expect(tools.map((t) => t.name).sort()).toEqual(["api_request", "docs_index", "docs_list_sections", "docs_search"]);
    expect(tools.find((t) => t.name === "api_request")?.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
  });

  it("fails a call clearly when DataForSEO cannot be reached (offline) or refuses the credentials (online)", async () => {
    const result = await callTool({
      server: "dataforseo",
      tool: "api_request",
      arguments: { method: "POST", path: "/v3/serp/google/organic/live/regular", noAiMode: true, data: [{ keyword: "offline", location_code: 2840, language_code: "en" }] },
    });
    expect(result.isError).toBe(true);
    expect(result.error).toMatch(/fetch failed|not authorized/i);
  });
});

describe("the Cloudflare purge server", () => {
  it("declares purge_cache honestly: it removes cached copies, and repeating it changes nothing more", async () => {
    const tools = await getMcpPool().tools(await getMcpPool().resolve("cloudflare", null));
    expect(tools.map((t) => [t.name, t.annotations])).toEqual([["purge_cache", { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true }]]);
  });

  it("purges everything, or a list of URLs, of a zone with the token from its env", async () => {
    const before = cloudflare.purges.length;
    const all = await callTool({ server: "cloudflare", tool: "purge_cache", arguments: { zone_id: ZONE, everything: true } });
    expect([all.isError, all.structuredContent]).toEqual([false, { zone_id: ZONE, purged: "everything", result: { id: ZONE } }]);
    const some = await callTool({ server: "cloudflare", tool: "purge_cache", arguments: { zone_id: ZONE, files: ["https://a.example/", "https://a.example/feed/"] } });
    expect(some.content).toEqual([{ type: "text", text: `Purged 2 URLs from zone ${ZONE}: https://a.example/, https://a.example/feed/` }]);
    expect(cloudflare.purges.slice(before)).toEqual([
      { zoneId: ZONE, everything: true, files: [] },
      { zoneId: ZONE, everything: false, files: ["https://a.example/", "https://a.example/feed/"] },
    ]);
    expect(cloudflare.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("reports Cloudflare's own errors, an unreachable API, and arguments that say neither or both", async () => {
    const call = (server: string, args: Record<string, unknown>) => callTool({ server, tool: "purge_cache", arguments: args });
    expect((await call("cloudflare-wrong-token", { zone_id: ZONE, everything: true })).error).toBe(`Cloudflare did not purge zone ${ZONE} (HTTP 403): 10000 Authentication error`);
    const otherZone = "00000000000000000000000000000001";
    expect((await call("cloudflare", { zone_id: otherZone, everything: true })).error).toBe(
      `Cloudflare did not purge zone ${otherZone} (HTTP 404): 7003 Could not route to /zones/${otherZone}/purge_cache, perhaps your object identifier is invalid?`,
    );
    expect((await call("cloudflare-down", { zone_id: ZONE, everything: true })).error).toMatch(/^Could not reach Cloudflare's API at 127\.0\.0\.1:\d+: ECONNREFUSED$/);
    expect((await call("cloudflare", { zone_id: ZONE })).error).toBe("Give either everything: true or a list of files, not both and not neither");
    expect((await call("cloudflare", { zone_id: ZONE, everything: true, files: ["https://a.example/"] })).error).toBe("Give either everything: true or a list of files, not both and not neither");
    // a malformed zone id never leaves Switchboard: the tool's schema refuses it
    await expect(call("cloudflare", { zone_id: "not-a-zone", everything: true })).rejects.toThrow(/Invalid arguments for cloudflare\/purge_cache: zone_id/);
  });

  it("type-checks as the // @ts-check it declares", async () => {
    const tsc = path.resolve("node_modules/typescript/bin/tsc");
    const flags = ["--ignoreConfig", "--noEmit", "--allowJs", "--checkJs", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node"];
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, ...flags, CLOUDFLARE_SERVER]);
    expect(stdout).toBe("");
  });
});

describe("on_error: outcome-unknown", () => {
  it("leaves an error of an idempotent tool a plain failure: sending it again is safe", async () => {
    const slug = `purge-on-error-${Math.random().toString(36).slice(2, 8)}`;
    writePipeline(slug, `name: Purge\nsteps:\n  - id: purge\n    tool: cloudflare/purge_cache\n    args: { zone_id: "${ZONE}" }\n    on_error: outcome-unknown\n`);
    const runId = await queueRun({ pipelineSlug: slug, createdBy: ACTOR });
    const run = await waitForRunStatus(runId, ["failed", "waiting", "succeeded"], 60_000);
    expect(run).toEqual({ status: "failed", error: 'Step "purge" failed: cloudflare/purge_cache returned an error: Give either everything: true or a list of files, not both and not neither' });
    expect((await stepRows(runId)).map((s) => s.status)).toEqual(["failed"]);
  });
});
