// What a 71-tool step costs the model in tool definitions, both ways: the whole list (tool_search off)
// against search_tools + call_tool (on demand, the default past 40 tools), for the real 71-tool fixture
// server (scripts/bench/fixtures/many-tools-server.mjs, modelled on mcp-wordpress). Weighed in the exact
// shapes sent: the anthropic and openai runners' `tools` arrays (their own mapping functions) and the
// gateway's MCP tools/list (what claude-code and codex read before turning it into their API's shape).
// Tokens are counted with gpt-tokenizer's o200k_base, the tokenizer of OpenAI's current models (a
// devDependency; its tables are in the package, nothing is fetched). Claude's tokenizer is not public,
// so the anthropic figures are o200k_base counts of the same JSON: a close measure of size, not a bill.
// On demand moves schemas into search results: one search answer (8 tools) is weighed too, and the time
// of a search and of a call through call_tool against a direct call.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { countTokens } from "gpt-tokenizer";
import { medianP95, timeInTurn } from "./measure";

const N = 200;

function weigh(value: unknown) {
  const json = JSON.stringify(value);
  return { bytes: Buffer.byteLength(json, "utf8"), tokens: countTokens(json) };
}

export async function benchToolSearch(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-tool-search-"));
  const fixture = path.resolve("scripts/bench/fixtures/many-tools-server.mjs");
  fs.writeFileSync(path.join(root, "mcp.json"), JSON.stringify({ mcpServers: { wordpress: { command: process.execPath, args: [fixture] } } }));
  process.env.SWITCHBOARD_WORKSPACE = root;
  process.env.DATABASE_URL = `file:${path.join(root, "bench.db")}`;
  delete process.env.SWITCHBOARD_GATEWAY_TOOL_SEARCH_THRESHOLD;
  const { migrateDatabase } = await import("@/lib/db/migrate");
  migrateDatabase(path.join(root, "bench.db"));
  const { prisma } = await import("@/lib/db/client");
  const { GatewaySession } = await import("@/lib/mcp/gateway");
  const { listedTools } = await import("@/lib/mcp/gateway-server");
  const { getMcpPool } = await import("@/lib/mcp/pool");
  const { CALL_TOOL, SEARCH_TOOLS } = await import("@/lib/mcp/tool-search");
  const { anthropicTools } = await import("@/lib/agents/anthropic-runner");
  const { openAiTools } = await import("@/lib/agents/openai-runner");

  const run = await prisma.run.create({
    data: { pipelineSlug: "bench", pipelineName: "Bench", pipelineJson: "{}", status: "running", steps: { create: { stepId: "agent", position: 0, kind: "agent", status: "running" } } },
    select: { id: true, steps: { select: { id: true } } },
  });
  const step = { runId: run.id, runStepId: run.steps[0].id, clientSlug: null, allow: ["wordpress/*"], afterApproval: false, beforeApproval: false };
  const full = new GatewaySession({ ...step, toolSearch: false });
  const onDemand = new GatewaySession(step);
  try {
    const fullTools = await full.listTools();
    const onDemandTools = await onDemand.listTools();
    if (fullTools.length !== 71 || onDemandTools.length !== 2) throw new Error(`expected 71 tools and 2 on demand, got ${fullTools.length} and ${onDemandTools.length}`);
    const both = async (shape: (s: InstanceType<typeof GatewaySession>) => Promise<unknown>) => {
      const a = weigh(await shape(full));
      const b = weigh(await shape(onDemand));
      return { fullList: a, searchAndCall: b, saved: { bytes: a.bytes - b.bytes, tokens: a.tokens - b.tokens, percent: Number((100 * (1 - b.tokens / a.tokens)).toFixed(1)) } };
    };
    const search = await onDemand.call(SEARCH_TOOLS, { query: "create post" });
    if (search.isError) throw new Error(search.error);

    const direct = async () => {
      const r = await full.call("wordpress__wp_get_post", { id: 1 });
      if (r.isError) throw new Error(r.error);
    };
    const viaCallTool = async () => {
      const r = await onDemand.call(CALL_TOOL, { name: "wordpress__wp_get_post", arguments: { id: 1 } });
      if (r.isError) throw new Error(r.error);
    };
    const searching = async () => {
      const r = await onDemand.call(SEARCH_TOOLS, { query: "update comment" });
      if (r.isError) throw new Error(r.error);
    };
    const [directMs, callToolMs, searchMs] = await timeInTurn([direct, viaCallTool, searching], N, 20);
    return {
      tools: { allowed: fullTools.length, offeredOnDemand: onDemandTools.map((t) => t.name) },
      tokenCount: "o200k_base (gpt-tokenizer) tokens of the JSON sent; for the anthropic shape a measure of size, Claude's own tokenizer not being public",
      anthropicToolsParam: await both(async (s) => anthropicTools(await s.listTools())),
      openaiToolsParam: await both(async (s) => openAiTools(await s.listTools())),
      mcpToolsList: await both(async (s) => listedTools(s)),
      // what on demand costs instead: each search answer lands in the conversation
      oneSearchAnswer: { query: "create post", limit: 8, ...weigh((search.structuredContent as unknown) ?? search.content) },
      timing: {
        directCall: medianP95(directMs, 3),
        callThroughCallTool: medianP95(callToolMs, 3),
        pairedMedianCallToolOverDirectMs: Number(
          medianP95(
            callToolMs.map((c, i) => c - directMs[i]),
            3,
          ).medianMs.toFixed(3),
        ),
        searchOf71: medianP95(searchMs, 3),
      },
    };
  } finally {
    await getMcpPool().shutdown();
    await prisma.$disconnect();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
