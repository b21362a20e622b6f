// The blog post recipe (recipes/blog-post) end to end: its pipeline file as shipped, its mcp.json entries
// with the real npm servers (dataforseo-mcp-server, firecrawl-mcp, mcp-wordpress) and our Cloudflare
// server, each talking to a stand-in of its remote API; the agent steps on the real Claude Code binary
// against the model stand-in. Only the test's changes to the recipe's mcp.json: mcp-wordpress may use a
// plain-HTTP loopback site, and dataforseo-mcp-server (whose address is built in) is preloaded with
// lib/testing/fixtures/redirect-fetch.mjs so that its requests to api.dataforseo.com reach the stand-in.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { approveDraft } from "@/lib/drafts/drafts";
import { applyDraftDecision } from "@/lib/engine/approvals";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun, resolveUnknownOutcome, retryRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { CLAUDE_BIN, isolatedHome } from "@/lib/testing/agent-clis";
import { ACTOR, ensureClient, waitForRunStatus } from "@/lib/testing/engine";
import { ModelStandin } from "@/lib/testing/model-standin";
import { startCloudflareStandin, type CloudflareStandin } from "@/lib/testing/remote-standins/cloudflare";
import { DATAFORSEO_ORIGIN, startDataForSeoStandin, type DataForSeoStandin } from "@/lib/testing/remote-standins/dataforseo";
import { startFirecrawlStandin, type FirecrawlStandin } from "@/lib/testing/remote-standins/firecrawl";
import { startWordPressStandin, type WordPressStandin } from "@/lib/testing/remote-standins/wordpress";

const RECIPE = path.resolve("recipes/blog-post");
const REDIRECT = path.resolve("lib/testing/fixtures/redirect-fetch.mjs");
const CF_TOKEN = "cf-standin-token-7f3a9c";
const ZONE = "0123456789abcdef0123456789abcdef";
const WP_USER = "editor";
const WP_APP_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX";
const TOP = [1, 2, 3].map((n) => ({ title: `Result ${n}`, url: `https://competitor-${n}.example/emergency-plumbing`, description: `Result ${n} says things` }));
const CONVENTION = "Always mention same-day emergency service (convention 4417)";

let standin: ModelStandin;
let wp: WordPressStandin;
let firecrawl: FirecrawlStandin;
let cloudflare: CloudflareStandin;
let dataforseo: DataForSeoStandin;
let worker: Worker;

const suffix = () => Math.random().toString(36).slice(2, 8);

/** The recipe's mcp.json with the two changes a loopback test needs (see the header). */
function workspaceMcpJson(): string {
  const config = JSON.parse(fs.readFileSync(path.join(RECIPE, "mcp.json"), "utf8")) as { mcpServers: Record<string, { args: string[]; env?: Record<string, string> }> };
  const { dataforseo: dfs, wordpress } = config.mcpServers;
  dfs.args = ["--import", REDIRECT, ...dfs.args];
  dfs.env = { ...dfs.env, SB_REDIRECT_FROM: DATAFORSEO_ORIGIN, SB_REDIRECT_TO: dataforseo.url };
  wordpress.env = { ...wordpress.env, ALLOW_INSECURE_HTTP: "true", ALLOW_PRIVATE_URLS: "true" };
  return JSON.stringify(config, null, 2);
}

beforeAll(async () => {
  standin = await ModelStandin.start();
  standin.mode = "answer";
  isolatedHome();
  [wp, firecrawl, cloudflare, dataforseo] = await Promise.all([
    startWordPressStandin({ user: WP_USER, appPassword: WP_APP_PASSWORD }),
    startFirecrawlStandin({ apiKey: "fc-standin-key", pages: Object.fromEntries(TOP.map((r, i) => [r.url, { title: r.title, markdown: `# ${r.title}\n\nCompetitor page ${i + 1} about burst pipes.` }])) }),
    startCloudflareStandin({ token: CF_TOKEN, zones: [ZONE] }),
    startDataForSeoStandin({
      login: "dfs-login",
      password: "dfs-password",
      results: TOP,
      relatedKeywords: [
        { keyword: "burst pipe repair", searchVolume: 880 },
        { keyword: "24 hour plumber", searchVolume: 1300 },
      ],
    }),
  ]);
  Object.assign(process.env, {
    ANTHROPIC_API_KEY: "sk-ant-test-canary-0000",
    ANTHROPIC_BASE_URL: standin.url,
    SWITCHBOARD_CLAUDE_BIN: CLAUDE_BIN,
    DATAFORSEO_USERNAME: "dfs-login",
    DATAFORSEO_PASSWORD: "dfs-password",
    FIRECRAWL_API_KEY: "fc-standin-key",
    FIRECRAWL_API_URL: firecrawl.url,
    WORDPRESS_SITE_URL: wp.url,
    WORDPRESS_USERNAME: WP_USER,
    WORDPRESS_APP_PASSWORD: WP_APP_PASSWORD,
    CLOUDFLARE_API_TOKEN: CF_TOKEN,
    CLOUDFLARE_API_BASE_URL: cloudflare.apiBaseUrl,
  });
  fs.writeFileSync(path.join(workspaceDir(), "mcp.json"), workspaceMcpJson());
  fs.mkdirSync(path.join(workspaceDir(), "pipelines"), { recursive: true });
  fs.copyFileSync(path.join(RECIPE, "pipelines", "blog-post.yaml"), path.join(workspaceDir(), "pipelines", "blog-post.yaml"));
  worker = await new Worker({ pollMs: 20, leaseMs: 60_000 }).start();
}, 120_000);

afterAll(async () => {
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await Promise.all([standin, wp, firecrawl, cloudflare, dataforseo].map((s) => s?.close()));
});

/** A client of its own (the pipeline allows one run per client at once), with conventions in CLAUDE.md. */
async function newClient(): Promise<string> {
  const slug = `acme-${suffix()}`;
  await ensureClient(slug);
  fs.writeFileSync(path.join(workspaceDir(), "clients", slug, "CLAUDE.md"), `# ${slug}\n\n## Voice\n- ${CONVENTION}\n`);
  return slug;
}

/** Runs the recipe up to its approval step; returns the run, its draft and the keyword it used. */
async function runToApproval(status: "draft" | "publish" = "publish") {
  const clientSlug = await newClient();
  const keyword = `emergency plumber ${suffix()}`;
  const runId = await queueRun({ pipelineSlug: "blog-post", clientSlug, inputs: { keyword, status, site_url: wp.url, zone_id: ZONE }, createdBy: ACTOR });
  const waiting = await waitForRunStatus(runId, ["waiting", "failed"], 180_000);
  expect(waiting).toEqual({ status: "waiting", error: null });
  const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true, title: true, body: true, version: true } });
  return { runId, draft, keyword, clientSlug };
}

const postsTitled = (title: string) => wp.posts.filter((p) => p.title.raw === title);
const createRequests = (title: string) => wp.requests.filter((r) => r.method === "POST" && r.path === "/wp-json/wp/v2/posts" && (r.body as { title?: string })?.title === title);

describe("the blog post recipe", { timeout: 300_000 }, () => {
  it("researches, scrapes, drafts, polishes to the client's conventions, waits for approval, publishes once and purges the cache", async () => {
    const before = { purges: cloudflare.purges.length, dfs: dataforseo.requests.length };
    const { runId, draft, keyword } = await runToApproval("publish");

    // DataForSEO: related keywords and the SERP, with the recipe's credentials over Basic auth
    const dfsCalls = dataforseo.requests.slice(before.dfs);
    expect(dfsCalls.map((r) => r.path)).toEqual(["/v3/dataforseo_labs/google/related_keywords/live", "/v3/serp/google/organic/live/regular"]);
    expect(dfsCalls.map((r) => (r.body as { keyword: string }[])[0].keyword)).toEqual([keyword, keyword]);
    expect(dfsCalls[0].headers.authorization).toBe(`Basic ${Buffer.from("dfs-login:dfs-password").toString("base64")}`);
    // Firecrawl scraped the top three results the SERP named, in order
    expect(firecrawl.scraped.slice(-3)).toEqual(TOP.map((r) => r.url));
    // the draft agent saw the keywords and the scraped pages; the polish agent the client's CLAUDE.md and the draft
    const prompts = standin.requestsTo("/v1/messages").map((r) => JSON.stringify(r.body));
    const draftPrompt = prompts.find((p) => p.includes(`targeting the keyword \\"${keyword}\\"`));
    expect(draftPrompt).toContain("burst pipe repair");
    for (const n of [1, 2, 3]) expect(draftPrompt).toContain(`Competitor page ${n} about burst pipes.`);
    const polishPrompt = prompts.find((p) => p.includes("Polish this blog post draft") && p.includes(CONVENTION));
    expect(polishPrompt).toBeDefined();
    const steps = await prisma.runStep.findMany({ where: { runId }, select: { stepId: true, status: true, runner: true, outputJson: true } });
    const polish = steps.find((s) => s.stepId === "polish");
    expect(polish).toMatchObject({ status: "succeeded", runner: "claude-code" });
    // the draft to approve is the polished post, titled with the keyword
    expect(draft).toMatchObject({ title: keyword, body: JSON.parse(polish?.outputJson ?? "{}").text, version: 1 });
    expect(postsTitled(keyword)).toEqual([]);

    await approveDraft(draft.id, { version: 1 }, { id: null, label: "Ada" }, applyDraftDecision);
    expect(await waitForRunStatus(runId, ["succeeded", "failed", "waiting"], 120_000)).toEqual({ status: "succeeded", error: null });
    const [post] = postsTitled(keyword);
    expect(postsTitled(keyword)).toHaveLength(1);
    expect(post).toMatchObject({ status: "publish", content: { raw: draft.body } });
    // the purge reached Cloudflare with the client's zone, the recipe's token, and the site's home page and feed
    expect(cloudflare.purges.slice(before.purges)).toEqual([{ zoneId: ZONE, everything: false, files: [`${wp.url}/`, `${wp.url}/feed/`] }]);
    const purge = cloudflare.requests.filter((r) => r.path === `/client/v4/zones/${ZONE}/purge_cache`).at(-1);
    expect(purge?.headers.authorization).toBe(`Bearer ${CF_TOKEN}`);
  });

  it("creates the post once when ten approvals of the draft arrive at once", async () => {
    const { runId, draft, keyword } = await runToApproval("draft");
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => approveDraft(draft.id, { version: 1 }, { id: null, label: `Reviewer ${i}` }, applyDraftDecision)));
    expect(results.filter((r) => r.status === "fulfilled" && r.value.continued)).toHaveLength(1);
    expect(await waitForRunStatus(runId, ["succeeded", "failed", "waiting"], 120_000)).toEqual({ status: "succeeded", error: null });
    expect(createRequests(keyword)).toHaveLength(1);
    expect(postsTitled(keyword).map((p) => p.status)).toEqual(["draft"]);
  });

  it.each(["critical-error", "reset"] as const)("a WordPress stand-in that fails after creating the post (%s) leaves the step 'outcome unknown' with its link to check, and nothing posts it twice", async (fault) => {
    const { runId, draft, keyword } = await runToApproval("publish");
    wp.failAfterCreate = fault;
    const purgesBefore = cloudflare.purges.length;
    await approveDraft(draft.id, { version: 1 }, { id: null, label: "Ada" }, applyDraftDecision);
    await waitForRunStatus(runId, ["waiting", "failed", "succeeded"], 120_000).then((run) => expect(run.status).toBe("waiting"));
    const detail = await getRunDetail(runId);
    const publish = detail?.steps.filter((s) => s.id === "publish").at(-1);
    expect(publish).toMatchObject({ status: "waiting", waitingFor: "outcome-unknown" });
    expect(publish?.error).toMatch(/^Outcome unknown: wordpress\/wp_create_post returned an error: .*(critical error|fetch failed|Network connection lost)/);
    expect(publish?.outcomeUnknown).toEqual({ idempotencyKey: `${runId}:publish:1:v1`, server: "wordpress", tool: "wp_create_post", checkUrl: `${wp.url}/wp-admin/edit.php?post_type=post` });
    expect(detail?.waitingFor).toBe("outcome-unknown");
    // WordPress did create it; the call is recorded as unknown, not failed
    expect(postsTitled(keyword)).toHaveLength(1);
    expect((await prisma.toolCall.findFirstOrThrow({ where: { runId, tool: "wp_create_post" } })).status).toBe("unknown");
    expect(cloudflare.purges.length).toBe(purgesBefore);

    // neither Retry nor a cancel followed by Retry sends it again: the step waits for the human again
    await expect(retryRun(runId, ACTOR)).rejects.toThrow(/Only failed or cancelled runs can be retried/);
    await cancelRun(runId, ACTOR);
    await retryRun(runId, ACTOR);
    await waitForRunStatus(runId, ["waiting", "failed", "succeeded"], 120_000).then((run) => expect(run.status).toBe("waiting"));
    expect(createRequests(keyword)).toHaveLength(1);

    // the human found the post on the check page and skips the step: the run goes on to the purge
    await resolveUnknownOutcome({ runId, stepId: "publish", action: "skip", actor: ACTOR });
    expect(await waitForRunStatus(runId, ["succeeded", "failed", "waiting"], 120_000)).toEqual({ status: "succeeded", error: null });
    expect(createRequests(keyword)).toHaveLength(1);
    expect(cloudflare.purges.slice(purgesBefore)).toEqual([{ zoneId: ZONE, everything: false, files: [`${wp.url}/`, `${wp.url}/feed/`] }]);
  });
});
