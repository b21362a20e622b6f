// A claude-code step on the operator's Claude login (a subscription) with the real Claude Code binary
// and an isolated HOME holding a login's credentials file, as `claude login` leaves it, against the
// Messages API stand-in: its tokens are counted, the step and the run are marked subscription, and its
// API-equivalent cost is kept apart from the USD spend.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getClientDetail } from "@/lib/clients/client-detail";
import { getRunDetail } from "@/lib/engine/run-detail";
import type { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { costOf, saveModelPrice } from "@/lib/spend/prices";
import { CLAUDE_BIN, isolatedHome } from "@/lib/testing/agent-clis";
import { runAgentPipeline, setUpAgentWorkspace, writeAgentPipeline } from "@/lib/testing/agents";
import { ModelStandin } from "@/lib/testing/model-standin";

let worker: Worker;
let standin: ModelStandin;

beforeAll(async () => {
  standin = await ModelStandin.start();
  const home = isolatedHome();
  fs.mkdirSync(path.join(home, ".claude"), { recursive: true });
  const login = {
    claudeAiOauth: { accessToken: "sk-ant-oat01-test-login", refreshToken: "sk-ant-ort01-test-login", expiresAt: Date.now() + 30 * 86_400_000, scopes: ["user:inference", "user:profile"], subscriptionType: "max" },
  };
  fs.writeFileSync(path.join(home, ".claude", ".credentials.json"), JSON.stringify(login), { mode: 0o600 });
  delete process.env.ANTHROPIC_API_KEY;
  process.env.ANTHROPIC_BASE_URL = standin.url;
  process.env.SWITCHBOARD_CLAUDE_BIN = CLAUDE_BIN;
  worker = await setUpAgentWorkspace();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await standin.close();
});

describe("a claude-code run on the operator's login", { timeout: 240_000 }, () => {
  it("is marked subscription on step and run, its tokens counted and its API-equivalent cost apart from USD spend", async () => {
    standin.mode = "echo";
    const price = { inputUsdPerMTok: 3, outputUsdPerMTok: 15, cacheReadUsdPerMTok: 0.3, cacheWriteUsdPerMTok: 3.75 };
    await saveModelPrice({ model: "standin-model", ...price }, { label: "test" });
    const { id, run, draft } = await runAgentPipeline(writeAgentPipeline("claude-code"), ["succeeded", "failed"], 180_000);
    expect([run.status, run.error]).toEqual(["succeeded", null]);
    // no key is set: the model calls went out on the login alone
    expect(process.env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(standin.requestsTo("/v1/messages").length).toBeGreaterThan(0);

    const step = await prisma.runStep.findUniqueOrThrow({ where: { id: draft?.id ?? "" } });
    const tokens = step.inputTokens + step.outputTokens + step.cacheReadTokens + step.cacheWriteTokens;
    const equivalent = costOf(step, { model: "standin-model", ...price });
    expect(step.inputTokens).toBeGreaterThan(0);
    expect([step.subscription, step.costUsd]).toEqual([true, 0]);
    expect(step.apiCostUsd).toBeCloseTo(equivalent, 12);

    const detail = await getRunDetail(id);
    expect(detail?.usage).toMatchObject({ subscription: true, costUsd: 0, subscriptionTokens: tokens });
    expect(detail?.usage.subscriptionUsd).toBeCloseTo(equivalent, 12);
    const spend = (await getClientDetail("acme")).spend;
    expect(spend.monthUsd).toBe(0);
    expect(spend.subscriptionTokens).toBeGreaterThanOrEqual(tokens);
  });
});
