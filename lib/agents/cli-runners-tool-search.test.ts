// The real Claude Code (in-process gateway) and the real codex (HTTP gateway) on a step that may use all
// 71 tools of a real server, past the gateway's threshold of 40: each is offered the gateway's
// search_tools and call_tool alone, searches, calls the tool it found through call_tool, and the call is
// recorded under the step as a direct call is. And a tool that is not read-only, which codex's own
// approval prompt (no one to answer it in `codex exec`) used to refuse before the gateway saw the call.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { workspaceDir } from "@/lib/env";
import { CALL_TOOL, SEARCH_TOOLS } from "@/lib/mcp/tool-search";
import { CLAUDE_BIN, CODEX_BIN } from "@/lib/testing/agent-clis";
import { runAgentPipeline, suffix, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import type { StandinScript } from "@/lib/testing/model-standin";

const suite = useAgentSuite({
  cli: true,
  httpGateway: true,
  env: ({ standin, gateway }) => ({
    ANTHROPIC_API_KEY: "sk-ant-test-canary-0000",
    ANTHROPIC_BASE_URL: standin,
    SWITCHBOARD_CLAUDE_BIN: CLAUDE_BIN,
    OPENAI_API_KEY: "sk-openai-test-canary-0000",
    OPENAI_BASE_URL: `${standin}/v1`,
    SWITCHBOARD_CODEX_BIN: CODEX_BIN,
    SWITCHBOARD_GATEWAY_URL: gateway ?? "",
  }),
});

const FIXTURE = path.resolve("scripts/bench/fixtures/many-tools-server.mjs");
const wp = `wp${suffix()}`;
let callsFile = "";

beforeAll(() => {
  callsFile = path.join(workspaceDir(), `${wp}.calls`);
  writeMcpJson({ everything: { command: process.execPath, args: [EVERYTHING, "stdio"] }, [wp]: { command: process.execPath, args: [FIXTURE], env: { CALLS_FILE: callsFile } } });
});

function found(text: string | null): { tools: { name: string }[] } | null {
  try {
    const value = JSON.parse(text ?? "") as { tools?: unknown };
    return Array.isArray(value.tools) ? (value as { tools: { name: string }[] }) : null;
  } catch {
    return null;
  }
}

/** Search for "list posts" with the offered search_tools, call the first match with call_tool, then answer. */
const searchThenCall: StandinScript = ({ tools, lastResult }) => {
  const search = tools.find((t) => t.name.endsWith(SEARCH_TOOLS));
  const call = tools.find((t) => t.name.endsWith(CALL_TOOL));
  if (!search || !call) return { kind: "text", text: "search_tools and call_tool were not offered" };
  if (lastResult === null) return { kind: "tool", name: search.name, namespace: search.namespace, args: { query: "list posts", limit: 3 } };
  const answer = found(lastResult);
  if (answer) return { kind: "tool", name: call.name, namespace: call.namespace, args: { name: answer.tools[0]?.name ?? "none", arguments: { per_page: 3 } } };
  return { kind: "text", text: `Final answer: ${lastResult}` };
};

// a real CLI on a shared, loaded machine can take far longer than the default 30 s
describe.each([
  { runner: "claude-code" as const, api: "/v1/messages" },
  { runner: "codex" as const, api: "/v1/responses" },
])("$runner with 71 tools", { timeout: 240_000 }, ({ runner, api }) => {
  it("is offered search_tools and call_tool alone and calls the tool it found through call_tool", async () => {
    suite.standin.script = searchThenCall;
    try {
      const { run, draft } = await runAgentPipeline(writeAgentPipeline(runner, { tools: [`${wp}/*`] }), ["succeeded", "failed"], 120_000);
      expect([run.status, run.error]).toEqual(["succeeded", null]);
      expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status, JSON.parse(c.argumentsJson)])).toEqual([[wp, "wp_list_posts", "succeeded", { per_page: 3 }]]);
      expect(JSON.parse(draft?.outputJson ?? "{}").text).toContain('wp_list_posts {"per_page":3}');
      expect(fs.readFileSync(callsFile, "utf8").split("\n").filter(Boolean).at(-1)).toBe("wp_list_posts");
      // of the gateway's tools, the model was sent the two alone
      const body = JSON.stringify(suite.standin.requestsTo(api).at(-1)?.body.tools ?? []);
      expect(body).toContain(SEARCH_TOOLS);
      expect(body).toContain(CALL_TOOL);
      expect(body).not.toContain("wp_create_post");
    } finally {
      suite.standin.script = null;
    }
  });

  it("calls a tool that is not read-only, listed in full, as the gateway allows it (the gateway is the approval boundary)", async () => {
    const create = `${wp}__wp_create_post`;
    suite.standin.script = ({ tools, lastResult }) => {
      const tool = tools.find((t) => t.name.endsWith("wp_create_post"));
      if (!tool) return { kind: "text", text: "wp_create_post was not offered" };
      return lastResult === null ? { kind: "tool", name: tool.name, namespace: tool.namespace, args: { title: "Direct" } } : { kind: "text", text: `Final answer: ${lastResult}` };
    };
    try {
      const { run, draft } = await runAgentPipeline(writeAgentPipeline(runner, { tools: [`${wp}/wp_create_post`, `${wp}/wp_get_post`] }), ["succeeded", "failed"], 120_000);
      expect([run.status, run.error]).toEqual(["succeeded", null]);
      expect(JSON.stringify(suite.standin.requestsTo(api).at(-1)?.body.tools ?? [])).toContain(runner === "codex" ? "wp_create_post" : create);
      expect(draft?.toolCalls.map((c) => [c.tool, c.status])).toEqual([["wp_create_post", "succeeded"]]);
      expect(JSON.parse(draft?.outputJson ?? "{}").text).toContain('wp_create_post {"title":"Direct"}');
    } finally {
      suite.standin.script = null;
    }
  });
});
