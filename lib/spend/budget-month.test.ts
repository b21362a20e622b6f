// Which month a run's costs count in, with the real engine and the anthropic runner against the model
// stand-in: the month the run was queued, for booking and for every check of the budget (the start-of-step
// refusal, the check after each model call, each call's admission). A run queued last month and retried
// now is held to last month's budget, where what it spends is booked: retrying old runs cannot spend
// past any month's line.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { updateClient } from "@/lib/clients/clients";
import { queueRun } from "@/lib/engine/queue-run";
import { retryRun } from "@/lib/engine/run-control";
import { monthOf } from "@/lib/spend/money";
import { costOf, saveModelPrice } from "@/lib/spend/prices";
import { clientMonthSpend } from "@/lib/spend/spend-queries";
import { suffix, useAgentSuite } from "@/lib/testing/agents";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { STANDIN_USAGE } from "@/lib/testing/model-standin";

const suite = useAgentSuite({ env: ({ standin }) => ({ ANTHROPIC_API_KEY: "sk-ant-test-canary-0000", ANTHROPIC_BASE_URL: standin }) });
const ADMIN = { id: null, label: "admin@test" };
const TURN = { inputTokens: STANDIN_USAGE.input, outputTokens: STANDIN_USAGE.output, cacheReadTokens: STANDIN_USAGE.cacheRead, cacheWriteTokens: STANDIN_USAGE.cacheWrite };
const PRICE = { inputUsdPerMTok: 10, outputUsdPerMTok: 50, cacheReadUsdPerMTok: 1, cacheWriteUsdPerMTok: 12.5 };
const thisMonth = () => monthOf(new Date());
const lastMonth = () => monthOf(new Date(), -1);

function agentPipeline(model: string, maxTurns = 20): string {
  const slug = `month-${suffix()}`;
  writePipeline(
    slug,
    `name: Month ${slug}\nsteps:\n  - id: draft\n    agent:\n      runner: anthropic\n      prompt: "Use the echo tool"\n      tools: [everything/echo]\n      model: ${model}\n      max_turns: ${maxTurns}\n`,
  );
  return slug;
}

async function pricedModel(): Promise<{ model: string; perTurn: number }> {
  const model = `month-priced-${suffix()}`;
  await saveModelPrice({ model, ...PRICE }, ADMIN);
  return { model, perTurn: costOf(TURN, { model, ...PRICE }) };
}

const lastAttempt = (runId: string) => prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "draft" }, orderBy: { attempt: "desc" } });
const requestsFor = (model: string) => suite.standin.requestsTo("/v1/messages").filter((r) => r.body.model === model).length;

/**
 * A run of `pipeline` that failed at its agent step last month (the model API answered with an error, so
 * it spent nothing), dated to the middle of last month.
 */
async function failedLastMonth(pipeline: string, client: { id: string; slug: string }): Promise<string> {
  suite.standin.mode = "api-error";
  const id = await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR });
  expect((await waitForRunStatus(id, ["succeeded", "failed"], 60_000)).status).toBe("failed");
  expect((await lastAttempt(id)).costUsd).toBe(0);
  const then = new Date(lastMonth().start.getTime() + 14 * 86_400_000);
  await prisma.run.update({ where: { id }, data: { createdAt: then, startedAt: then, finishedAt: then } });
  await prisma.runStep.updateMany({ where: { runId: id }, data: { startedAt: then, finishedAt: then } });
  return id;
}

describe("the month a run's costs count in", { timeout: 180_000 }, () => {
  it("a run queued last month and retried now is stopped at last month's budget, where what it spends is booked", async () => {
    const { model, perTurn } = await pricedModel();
    const client = await ensureClient(`retried-${suffix()}`);
    const id = await failedLastMonth(agentPipeline(model), client);
    suite.standin.mode = "loop";
    const budget = Math.round(3.5 * perTurn * 1e6) / 1e6;
    await updateClient({ slug: client.slug, name: "Retried Co", monthlyBudgetUsd: budget }, ADMIN, { isAdmin: true });

    await retryRun(id, ACTOR);
    expect((await waitForRunStatus(id, ["succeeded", "failed"], 120_000)).status).toBe("failed");
    const step = await lastAttempt(id);
    expect(step.attempt).toBe(2);
    expect(step.error).toMatch(new RegExp(`^Budget reached: Retried Co has spent \\$[\\d.]+ of its \\$[\\d.]+ budget for ${lastMonth().label}$`));
    // booked in last month, where every check looked: stopped within one call of the line
    const then = await clientMonthSpend(client.id, lastMonth());
    expect(then.usd).toBeCloseTo(step.costUsd, 12);
    expect(then.usd).toBeGreaterThanOrEqual(budget - 1e-9);
    expect(then.usd).toBeLessThanOrEqual(budget + perTurn + 1e-9);
    expect((await clientMonthSpend(client.id, thisMonth())).usd).toBe(0);
  });

  it("a run queued last month and retried now is refused at its start when last month is at the budget, though this month spent nothing", async () => {
    const { model } = await pricedModel();
    const client = await ensureClient(`refused-${suffix()}`);
    const id = await failedLastMonth(agentPipeline(model, 5), client);
    await updateClient({ slug: client.slug, name: "Refused Co", monthlyBudgetUsd: 1 }, ADMIN, { isAdmin: true });
    // last month's line was reached by another run of that month
    const then = new Date(lastMonth().start.getTime() + 86_400_000);
    await prisma.run.create({ data: { pipelineSlug: "spent", pipelineName: "Spent", pipelineJson: "{}", clientId: client.id, status: "succeeded", costUsd: 1, createdAt: then } });
    suite.standin.mode = "echo";

    const before = requestsFor(model);
    await retryRun(id, ACTOR);
    expect((await waitForRunStatus(id, ["succeeded", "failed"], 60_000)).status).toBe("failed");
    expect((await lastAttempt(id)).error).toMatch(new RegExp(`^Budget reached: Refused Co has spent \\$1\\.00 of its \\$1\\.00 budget for ${lastMonth().label}$`));
    expect(requestsFor(model)).toBe(before);
    expect((await clientMonthSpend(client.id, thisMonth())).usd).toBe(0);
  });
});
