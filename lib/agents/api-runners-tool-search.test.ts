// The anthropic and openai runners on a step that may use all 71 tools of a real server (past the
// gateway's threshold of 40): the model is sent search_tools and call_tool alone, searches, calls the
// tool it found through call_tool, and the call is recorded under the step as a direct call is.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { workspaceDir } from "@/lib/env";
import { exposedToolName } from "@/lib/mcp/gateway";
import { CALL_TOOL, SEARCH_TOOLS } from "@/lib/mcp/tool-search";
import { runAgentPipeline, suffix, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import type { StandinScript } from "@/lib/testing/model-standin";

const suite = useAgentSuite({
  env: ({ standin }) => ({
    ANTHROPIC_API_KEY: "sk-ant-test-canary-0000",
    ANTHROPIC_BASE_URL: standin,
    OPENAI_API_KEY: "sk-openai-test-canary-0000",
    OPENAI_BASE_URL: `${standin}/v1`,
  }),
});

const FIXTURE = path.resolve("scripts/bench/fixtures/many-tools-server.mjs");
const wp = `wp${suffix()}`;
let callsFile = "";

beforeAll(() => {
  callsFile = path.join(workspaceDir(), `${wp}.calls`);
  // the suite's servers (the `after` step echoes with server-everything), and the 71-tool one
  writeMcpJson({ everything: { command: process.execPath, args: [EVERYTHING, "stdio"] }, [wp]: { command: process.execPath, args: [FIXTURE], env: { CALLS_FILE: callsFile } } });
});

/** Search for "list posts", call the first match with call_tool, then answer with what it returned. */
const searchThenCall: StandinScript = ({ tools, lastResult }) => {
  if (!tools.some((t) => t.name === SEARCH_TOOLS)) return { kind: "text", text: "no search_tools was offered" };
  if (lastResult === null) return { kind: "tool", name: SEARCH_TOOLS, args: { query: "list posts", limit: 3 } };
  if (lastResult.startsWith('{"tools"')) {
    const found = JSON.parse(lastResult) as { tools: { name: string }[] };
    return { kind: "tool", name: CALL_TOOL, args: { name: found.tools[0]?.name ?? "none", arguments: { per_page: 3 } } };
  }
  return { kind: "text", text: `Final answer: ${lastResult}` };
};

const cases = [
  { runner: "anthropic" as const, path: "/v1/messages" },
  { runner: "openai" as const, path: "/v1/chat/completions" },
];

describe.each(cases)("$runner runner with 71 tools", { timeout: 120_000 }, ({ runner, path: apiPath }) => {
  it("is sent search_tools and call_tool alone, and calls the tool it found through call_tool", async () => {
    suite.standin.script = searchThenCall;
    try {
      const { run, draft } = await runAgentPipeline(writeAgentPipeline(runner, { tools: [`${wp}/*`] }));
      expect(run.status).toBe("succeeded");
      const offered = suite.standin.requestsTo(apiPath).at(-1)?.body.tools as { name?: string; function?: { name: string } }[];
      expect(offered.map((t) => t.name ?? t.function?.name)).toEqual([SEARCH_TOOLS, CALL_TOOL]);
      expect(JSON.stringify(offered)).not.toContain("wp_create_post");
      // the search is the gateway's own answer (not recorded); the call is recorded as a direct call
      expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status, JSON.parse(c.argumentsJson)])).toEqual([[wp, "wp_list_posts", "succeeded", { per_page: 3 }]]);
      expect(JSON.parse(draft?.outputJson ?? "{}").text).toBe('Final answer: wp_list_posts {"per_page":3}');
      expect(fs.readFileSync(callsFile, "utf8").split("\n").filter(Boolean).at(-1)).toBe("wp_list_posts");
      expect(draft?.turns).toBe(3);
    } finally {
      suite.standin.script = null;
    }
  });

  it("follows the step's tool_search: false lists all 71, true offers the two tools for a step of two", async () => {
    suite.standin.script = () => ({ kind: "text", text: "Final answer: none" });
    const offered = () => ((suite.standin.requestsTo(apiPath).at(-1)?.body.tools ?? []) as { name?: string; function?: { name: string } }[]).map((t) => t.name ?? t.function?.name);
    try {
      const off = await runAgentPipeline(writeAgentPipeline(runner, { tools: [`${wp}/*`], extra: "      tool_search: false\n" }));
      expect(off.run.status).toBe("succeeded");
      expect(offered()).toHaveLength(71);
      const on = await runAgentPipeline(writeAgentPipeline(runner, { tools: [`${wp}/wp_list_posts`, `${wp}/wp_get_post`], extra: "      tool_search: true\n" }));
      expect(on.run.status).toBe("succeeded");
      expect(offered()).toEqual([SEARCH_TOOLS, CALL_TOOL]);
    } finally {
      suite.standin.script = null;
    }
  });

  it("gets the whole list for a step of two tools", async () => {
    suite.standin.script = ({ lastResult }) => (lastResult === null ? { kind: "text", text: "Final answer: none" } : null);
    try {
      const { run } = await runAgentPipeline(writeAgentPipeline(runner, { tools: [`${wp}/wp_list_posts`, `${wp}/wp_get_post`] }));
      expect(run.status).toBe("succeeded");
      const offered = suite.standin.requestsTo(apiPath).at(-1)?.body.tools as { name?: string; function?: { name: string } }[];
      expect(offered.map((t) => t.name ?? t.function?.name)).toEqual([exposedToolName(wp, "wp_list_posts"), exposedToolName(wp, "wp_get_post")]);
    } finally {
      suite.standin.script = null;
    }
  });
});
