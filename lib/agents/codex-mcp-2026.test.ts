// The real codex CLI with MCP revision 2026-07-28 switched on (SWITCHBOARD_CODEX_MCP_2026=on: codex 0.171's
// feature `mcp_2026_07_28`) reaches Switchboard's HTTP gateway on that revision: server/discover, then each
// request with the 2026-07-28 envelope in its _meta and no initialize; the step's tool is offered to the
// model as before and its call goes through the gateway and is recorded. With the switch off, the same
// step reaches the gateway with codex's initialize handshake (2025-era), as it always did.
import { describe, expect, it } from "vitest";
import { CODEX_BIN, type GatewayRequestSeen } from "@/lib/testing/agent-clis";
import { runAgentPipeline, useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { STANDIN_ECHO_MESSAGE } from "@/lib/testing/model-standin";

const MODERN = "2026-07-28";

const suite = useAgentSuite({
  cli: true,
  httpGateway: true,
  env: ({ standin, gateway }) => ({
    OPENAI_API_KEY: "sk-openai-test-canary-2026",
    OPENAI_BASE_URL: `${standin}/v1`,
    SWITCHBOARD_CODEX_BIN: CODEX_BIN,
    SWITCHBOARD_GATEWAY_URL: gateway ?? "",
    SWITCHBOARD_CODEX_MCP_2026: "on",
  }),
});

/** Runs the echo pipeline with codex; returns the step, the gateway requests it made and the tools codex offered the model. */
async function runCodexStep() {
  const seen = suite.gateway?.seen ?? [];
  const from = seen.length;
  const modelFrom = suite.standin.requestsTo("/v1/responses").length;
  const { run, draft } = await runAgentPipeline(writeAgentPipeline("codex"), ["succeeded", "failed"], 120_000);
  const offered = suite.standin
    .requestsTo("/v1/responses")
    .slice(modelFrom)
    .map((r) => ((r.body.tools as { type: string; name?: string; tools?: { name: string }[] }[]) ?? []).filter((t) => t.type === "namespace").map((t) => [t.name, (t.tools ?? []).map((f) => f.name)]));
  return { run, draft, requests: seen.slice(from), offered };
}

const methods = (requests: GatewayRequestSeen[]) => requests.map((r) => r.method);

describe("codex and the gateway's protocol revision", { timeout: 240_000 }, () => {
  it("with SWITCHBOARD_CODEX_MCP_2026=on, codex discovers the gateway and calls the step's tool on 2026-07-28", async () => {
    const { run, draft, requests, offered } = await runCodexStep();
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    expect(JSON.parse(draft?.outputJson ?? "{}").text).toBe(`Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status])).toEqual([["everything", "echo", "succeeded"]]);
    // every request that reached the gateway came on 2026-07-28, with the envelope in its _meta; no initialize
    expect(methods(requests)).toEqual(["server/discover", "tools/list", "tools/call"]);
    expect(requests.map((r) => [r.revision, r.envelope, r.clientName])).toEqual(requests.map(() => [MODERN, true, "codex-mcp-client"]));
    // the model is offered the step's tool exactly as on the old revision
    expect(offered.length).toBeGreaterThanOrEqual(2);
    for (const namespaces of offered) expect(namespaces).toEqual([["mcp__switchboard", ["everything__echo"]]]);
  });

  it("with the switch off, the same step reaches the gateway with codex's initialize handshake, as before", async () => {
    process.env.SWITCHBOARD_CODEX_MCP_2026 = "off";
    try {
      const { run, draft, requests, offered } = await runCodexStep();
      expect([run.status, run.error]).toEqual(["succeeded", null]);
      expect(draft?.toolCalls.map((c) => [c.server, c.tool, c.status])).toEqual([["everything", "echo", "succeeded"]]);
      expect(methods(requests)).toEqual(["initialize", "notifications/initialized", "tools/list", "tools/call"]);
      expect(requests.some((r) => r.envelope || r.method === "server/discover")).toBe(false);
      // codex 0.171 asks for 2025-06-18 in its initialize
      expect(requests[0].revision).toMatch(/^2025-/);
      for (const namespaces of offered) expect(namespaces).toEqual([["mcp__switchboard", ["everything__echo"]]]);
    } finally {
      process.env.SWITCHBOARD_CODEX_MCP_2026 = "on";
    }
  });
});
