// Spend with the real engine, gateway, server-everything and the anthropic runner against the model
// stand-in (real Messages API SSE, STANDIN_USAGE per model call): each agent step's cost is computed from
// the price table when it ends and kept; runs, clients, pipelines and months add up; a price changed in
// between leaves history alone; a model with no price shows as such; budgets refuse new runs (lib and
// API route) and stop a running agent at the line; an admin raises the budget and the retry goes through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createRunRoute } from "@/app/api/runs/route";
import { prisma } from "@/lib/db/client";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { updateClient } from "@/lib/clients/clients";
import { getClientDetail } from "@/lib/clients/client-detail";
import { queueRun } from "@/lib/engine/queue-run";
import { retryRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import type { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { isBudgetExceeded } from "@/lib/spend/budget";
import { monthOf } from "@/lib/spend/money";
import { costOf, deleteModelPrice, matchPrice, saveModelPrice } from "@/lib/spend/prices";
import { clientMonthSpend, clientMonthlySpend, pipelineMonthSpend, spendByClientThisMonth } from "@/lib/spend/spend-queries";
import { setUpAgentWorkspace, suffix } from "@/lib/testing/agents";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { ModelStandin, STANDIN_USAGE } from "@/lib/testing/model-standin";

let worker: Worker;
let standin: ModelStandin;
const ADMIN = { id: null, label: "admin@test" };
const TURN = { inputTokens: STANDIN_USAGE.input, outputTokens: STANDIN_USAGE.output, cacheReadTokens: STANDIN_USAGE.cacheRead, cacheWriteTokens: STANDIN_USAGE.cacheWrite };
const PRICE_A = { inputUsdPerMTok: 3, outputUsdPerMTok: 15, cacheReadUsdPerMTok: 0.3, cacheWriteUsdPerMTok: 3.75 };
const PRICE_B = { inputUsdPerMTok: 10, outputUsdPerMTok: 50, cacheReadUsdPerMTok: 1, cacheWriteUsdPerMTok: 12.5 };

beforeAll(async () => {
  standin = await ModelStandin.start();
  process.env.ANTHROPIC_API_KEY = "sk-ant-test-canary-0000";
  process.env.ANTHROPIC_BASE_URL = standin.url;
  worker = await setUpAgentWorkspace();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await standin.close();
});

/** A pipeline whose agent step `draft` (anthropic runner) runs `model`; returns its slug. */
function agentPipeline(model: string, maxTurns = 5): string {
  const slug = `spend-${suffix()}`;
  writePipeline(
    slug,
    `name: Spend ${slug}
steps:
  - id: draft
    agent:
      runner: anthropic
      prompt: "Use the echo tool"
      tools: [everything/echo]
      model: ${model}
      max_turns: ${maxTurns}
`,
  );
  return slug;
}

async function run(pipelineSlug: string, clientSlug: string) {
  const id = await queueRun({ pipelineSlug, clientSlug, createdBy: ACTOR });
  await waitForRunStatus(id, ["succeeded", "failed"], 60_000);
  return id;
}

const stepOf = (runId: string) => prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "draft" }, orderBy: { attempt: "desc" }, include: { toolCalls: true } });

describe("prices", () => {
  it("match a model exactly or as a dated snapshot of a priced model, never another model that shares a prefix", () => {
    const rows = [{ model: "claude-sonnet-4-5" }, { model: "gpt-5" }, { model: "gpt-5.4-mini" }];
    expect(matchPrice(rows, "claude-sonnet-4-5")?.model).toBe("claude-sonnet-4-5");
    expect(matchPrice(rows, "claude-sonnet-4-5-20250929")?.model).toBe("claude-sonnet-4-5");
    expect(matchPrice(rows, "gpt-5-2026-04-01")?.model).toBe("gpt-5");
    expect(matchPrice(rows, "gpt-5-mini")).toBeNull();
    expect(matchPrice(rows, "gpt-5.4")).toBeNull();
    expect(matchPrice(rows, null)).toBeNull();
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 }, { model: "m", ...PRICE_A })).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
  });

  it("are seeded for the Claude and OpenAI models, and every change is audited", async () => {
    const seeded = await prisma.modelPrice.findMany({ select: { model: true } });
    expect(seeded.map((r) => r.model)).toEqual(expect.arrayContaining(["claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5", "gpt-5.4", "gpt-5.5"]));
    const model = `audit-model-${suffix()}`;
    await saveModelPrice({ model, ...PRICE_A }, ADMIN);
    await saveModelPrice({ model, ...PRICE_B }, ADMIN);
    await deleteModelPrice({ model }, ADMIN);
    const audit = await prisma.auditLog.findMany({ where: { targetType: "model-price", targetId: model }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorLabel])).toEqual([
      ["price.create", ADMIN.label],
      ["price.update", ADMIN.label],
      ["price.delete", ADMIN.label],
    ]);
    expect(JSON.parse(audit[1].dataJson ?? "{}")).toMatchObject({ before: { input: 3, output: 15 }, after: { input: 10, output: 50 } });
    await expect(saveModelPrice({ model: "bad model!", ...PRICE_A }, ADMIN)).rejects.toThrow();
  });
});

describe("costs", { timeout: 120_000 }, () => {
  it("add up per step, run, client, pipeline and month, with a price changed in between that leaves history alone", async () => {
    standin.mode = "echo";
    const model = `priced-${suffix()}`;
    const client = await ensureClient(`spend-${suffix()}`);
    const pipeline = agentPipeline(model);
    await saveModelPrice({ model, ...PRICE_A }, ADMIN);
    const first = await run(pipeline, client.slug);
    await saveModelPrice({ model, ...PRICE_B }, ADMIN);
    const second = await run(pipeline, client.slug);

    // two model calls per step (the echo call, then the answer), each reporting STANDIN_USAGE
    const twoTurns = { inputTokens: 2 * TURN.inputTokens, outputTokens: 2 * TURN.outputTokens, cacheReadTokens: 2 * TURN.cacheReadTokens, cacheWriteTokens: 2 * TURN.cacheWriteTokens };
    const costA = costOf(twoTurns, { model, ...PRICE_A });
    const costB = costOf(twoTurns, { model, ...PRICE_B });
    const [stepA, stepB] = [await stepOf(first), await stepOf(second)];
    expect([stepA.status, stepB.status]).toEqual(["succeeded", "succeeded"]);
    expect(stepA.costUsd).toBeCloseTo(costA, 12);
    expect(stepB.costUsd).toBeCloseTo(costB, 12);
    expect(stepA.apiCostUsd).toBeCloseTo(costA, 12);
    // the price applied is kept with the step: the later change did not rewrite the first step
    expect(JSON.parse(stepA.priceJson ?? "{}")).toMatchObject({ model, ...PRICE_A });
    expect(JSON.parse(stepB.priceJson ?? "{}")).toMatchObject({ model, ...PRICE_B });

    // GET /api/runs/<id>: usage.costUsd is the run's, each step's usage has its cost and price
    const detail = await getRunDetail(first);
    expect(detail?.usage).toMatchObject({ inputTokens: twoTurns.inputTokens, outputTokens: twoTurns.outputTokens, subscription: false, subscriptionTokens: 0, unpricedModel: null });
    expect(detail?.usage.costUsd).toBeCloseTo(costA, 12);
    expect(detail?.steps[0].usage).toMatchObject({ subscription: false, price: { model, ...PRICE_A } });

    // the client's month, the pipeline's month and the client page's chart add the two runs
    const month = monthOf(new Date());
    const clientSpend = await clientMonthSpend(client.id, month);
    expect(clientSpend.usd).toBeCloseTo(costA + costB, 12);
    expect(clientSpend.tokens).toBe(2 * (twoTurns.inputTokens + twoTurns.outputTokens + twoTurns.cacheReadTokens + twoTurns.cacheWriteTokens));
    expect((await pipelineMonthSpend(pipeline, month)).usd).toBeCloseTo(costA + costB, 12);
    const detailOfClient = await getClientDetail(client.slug);
    expect(detailOfClient.spend).toMatchObject({ budgetUsd: null, tokens: clientSpend.tokens, month: month.key, subscriptionTokens: 0 });
    expect(detailOfClient.spend.monthUsd).toBeCloseTo(costA + costB, 12);

    // a run queued last month counts in last month's bar, not this one's
    await prisma.run.update({ where: { id: first }, data: { createdAt: new Date(monthOf(new Date(), -1).start.getTime() + 3_600_000) } });
    const chart = await clientMonthlySpend(client.id, 6);
    expect(chart.map((m) => m.month.key)).toEqual(Array.from({ length: 6 }, (_, i) => monthOf(new Date(), i - 5).key));
    expect(chart[5].usd).toBeCloseTo(costB, 12);
    expect(chart[4].usd).toBeCloseTo(costA, 12);
    const today = await spendByClientThisMonth();
    expect(today.rows.find((r) => r.slug === client.slug)?.usd).toBeCloseTo(costB, 12);
  });

  it("counts the tokens of a model with no price and says so instead of $0", async () => {
    standin.mode = "echo";
    const model = `unpriced-${suffix()}`;
    const client = await ensureClient(`spend-${suffix()}`);
    const id = await run(agentPipeline(model), client.slug);
    const step = await stepOf(id);
    expect([step.status, step.inputTokens, step.costUsd, step.apiCostUsd, step.priceJson]).toEqual(["succeeded", 2 * TURN.inputTokens, 0, null, null]);
    expect((await getRunDetail(id))?.usage).toMatchObject({ unpricedModel: model, costUsd: null });
  });
});

describe("budgets", { timeout: 120_000 }, () => {
  it("refuse a new agent run for a client at its budget (lib and POST /api/runs), with the reason; tool-only runs still go", async () => {
    const client = await ensureClient(`budget-${suffix()}`);
    const pipeline = agentPipeline(`priced-${suffix()}`);
    await updateClient({ slug: client.slug, name: "Budget Co", monthlyBudgetUsd: 5 }, ADMIN, { isAdmin: true });
    writePipeline("spend-tools-only", "name: Tools only\nsteps:\n  - id: a\n    tool: everything/echo\n    args: { message: x }\n");
    const toolRun = await queueRun({ pipelineSlug: "spend-tools-only", clientSlug: client.slug, createdBy: ACTOR });
    await waitForRunStatus(toolRun, ["succeeded", "failed"], 60_000);
    // what the client spent this month reaches the budget (a finished run's stored cost)
    await prisma.run.update({ where: { id: toolRun }, data: { costUsd: 5.25 } });

    const refused = await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBudgetExceeded(refused)).toBe(true);
    const reason = `Budget reached: Budget Co has spent $5.25 of its $5.00 budget for ${monthOf(new Date()).label}`;
    expect((refused as Error).message).toContain(reason);
    expect(await queueRun({ pipelineSlug: "spend-tools-only", clientSlug: client.slug, createdBy: ACTOR })).toEqual(expect.any(String));

    const admin = await createUser({ email: `budget-${suffix()}@example.com`, password: "long-enough-password", role: "admin" }, { label: "test" });
    const { token } = await createApiToken(admin.id, { name: "runs", scope: "run" }, { id: admin.id, label: admin.email });
    const before = await prisma.run.count({ where: { clientId: client.id } });
    const response = await createRunRoute(
      new Request("http://localhost:3000/api/runs", {
        method: "POST",
        headers: { host: "localhost:3000", authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ pipeline, client: client.slug }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(402);
    expect(((await response.json()) as { error: string }).error).toContain(reason);
    expect(await prisma.run.count({ where: { clientId: client.id } })).toBe(before);

    // an operator cannot raise it; an admin can, and the run goes
    await expect(updateClient({ slug: client.slug, name: "Budget Co", monthlyBudgetUsd: 50 }, ACTOR)).rejects.toThrow("Only an admin can change a client's budget");
    await updateClient({ slug: client.slug, name: "Budget Co", monthlyBudgetUsd: 50 }, ADMIN, { isAdmin: true });
    expect(await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR })).toEqual(expect.any(String));
  });

  it("stop a running agent when the usage it reports reaches the line; raising the budget lets the retry finish", async () => {
    standin.mode = "loop";
    const model = `priced-${suffix()}`;
    await saveModelPrice({ model, ...PRICE_B }, ADMIN);
    const perTurn = costOf(TURN, { model, ...PRICE_B });
    const client = await ensureClient(`line-${suffix()}`);
    const budget = Math.round(3.5 * perTurn * 1e6) / 1e6;
    await updateClient({ slug: client.slug, name: "Line Co", monthlyBudgetUsd: budget }, ADMIN, { isAdmin: true });
    const pipeline = agentPipeline(model, 500);
    const id = await run(pipeline, client.slug);

    const step = await stepOf(id);
    const runRow = await prisma.run.findUniqueOrThrow({ where: { id } });
    expect(step.status).toBe("failed");
    expect(step.error).toMatch(new RegExp(`^Budget reached: Line Co has spent \\$[\\d.]+ of its \\$[\\d.]+ budget for ${monthOf(new Date()).label}$`));
    expect(runRow.error).toContain("Budget reached: Line Co");
    // it ran past the line by at most the calls in flight when the check answered, far from max_turns
    expect(step.costUsd).toBeGreaterThanOrEqual(budget);
    expect(step.toolCalls.length).toBeGreaterThanOrEqual(3);
    expect(step.toolCalls.length).toBeLessThan(20);
    // the tokens it spent before it was stopped are counted and priced
    const turns = Math.round(step.costUsd / perTurn);
    expect(step.inputTokens).toBe(turns * TURN.inputTokens);
    expect(step.costUsd).toBeCloseTo(turns * perTurn, 12);
    expect(runRow.costUsd).toBeCloseTo(step.costUsd, 12);

    // while at the budget, a retry's agent step is refused at its start
    standin.mode = "echo";
    await retryRun(id, ACTOR);
    await waitForRunStatus(id, ["succeeded", "failed"], 60_000);
    expect((await stepOf(id)).error).toMatch(/^Budget reached: Line Co/);

    await updateClient({ slug: client.slug, name: "Line Co", monthlyBudgetUsd: 100 }, ADMIN, { isAdmin: true });
    await retryRun(id, ACTOR);
    const done = await waitForRunStatus(id, ["succeeded", "failed"], 60_000);
    expect(done.status).toBe("succeeded");
  });
});
