// Spend that cannot be outrun, with the real engine, gateway, server-everything and the anthropic runner
// against the model stand-in (STANDIN_USAGE per model call): each usage event's cost is in the client's
// month as it arrives, and each model call is admitted before it is made against the month and the calls
// other runs have in flight (lib/spend/reservations.ts), so four looping agents for one client with little
// budget left stop together within one model call of the line; a cancelled step or a dead worker's step
// holds nothing. The cost computed when each step ends replaces what was counted as it ran. Under a USD
// budget, a model with no price is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { updateClient } from "@/lib/clients/clients";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun } from "@/lib/engine/run-control";
import { recoverInterruptedRuns } from "@/lib/engine/recovery";
import { getRunDetail } from "@/lib/engine/run-detail";
import type { Worker } from "@/lib/engine/worker";
import { getMcpPool } from "@/lib/mcp/pool";
import { monthOf } from "@/lib/spend/money";
import { costOf, saveModelPrice } from "@/lib/spend/prices";
import { clientMonthSpend } from "@/lib/spend/spend-queries";
import { setUpAgentWorkspace, suffix } from "@/lib/testing/agents";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { ModelStandin, STANDIN_USAGE } from "@/lib/testing/model-standin";
import { waitFor } from "@/lib/testing/wait-for";

let worker: Worker;
let standin: ModelStandin;
const ADMIN = { id: null, label: "admin@test" };
const TURN = { inputTokens: STANDIN_USAGE.input, outputTokens: STANDIN_USAGE.output, cacheReadTokens: STANDIN_USAGE.cacheRead, cacheWriteTokens: STANDIN_USAGE.cacheWrite };
const PRICE = { inputUsdPerMTok: 10, outputUsdPerMTok: 50, cacheReadUsdPerMTok: 1, cacheWriteUsdPerMTok: 12.5 };

beforeAll(async () => {
  standin = await ModelStandin.start();
  process.env.ANTHROPIC_API_KEY = "sk-ant-test-canary-0000";
  process.env.ANTHROPIC_BASE_URL = standin.url;
  process.env.OPENAI_API_KEY = "sk-openai-test-canary-0000";
  process.env.OPENAI_BASE_URL = `${standin.url}/v1`;
  worker = await setUpAgentWorkspace();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await standin.close();
});

/** Model calls the stand-in has seen on `model` (each test prices a model of its own). */
function requestsFor(model: string, path = "/v1/messages"): number {
  return standin.requestsTo(path).filter((r) => r.body.model === model).length;
}

function agentPipeline(model: string | null, maxTurns = 500, runner = "anthropic"): string {
  const slug = `race-${suffix()}`;
  writePipeline(
    slug,
    `name: Race ${slug}
steps:
  - id: draft
    agent:
      runner: ${runner}
      prompt: "Use the echo tool"
      tools: [everything/echo]
${model ? `      model: ${model}\n` : ""}      max_turns: ${maxTurns}
`,
  );
  return slug;
}

describe("spend as it arrives", { timeout: 180_000 }, () => {
  it("four concurrent agent runs for one client stop together at the budget: the total stays within one model call of it", async () => {
    standin.mode = "loop";
    const model = `race-priced-${suffix()}`;
    await saveModelPrice({ model, ...PRICE }, ADMIN);
    const perTurn = costOf(TURN, { model, ...PRICE });
    const client = await ensureClient(`race-${suffix()}`);
    // a little budget left: eight model calls' worth for the four runs together
    const budget = Math.round(8 * perTurn * 1e6) / 1e6;
    await updateClient({ slug: client.slug, name: "Race Co", monthlyBudgetUsd: budget }, ADMIN, { isAdmin: true });
    const pipeline = agentPipeline(model);
    const ids = await Promise.all([1, 2, 3, 4].map(() => queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR })));

    const runs = await Promise.all(ids.map((id) => waitForRunStatus(id, ["succeeded", "failed"], 120_000)));
    expect(runs.map((r) => r.status)).toEqual(["failed", "failed", "failed", "failed"]);
    const steps = await prisma.runStep.findMany({ where: { runId: { in: ids }, stepId: "draft" } });
    for (const step of steps) expect(step.error).toMatch(/^Budget reached: Race Co has spent \$[\d.]+ of its \$[\d.]+ budget for /);

    const spent = (await clientMonthSpend(client.id, monthOf(new Date()))).usd;
    const calls = Math.round(spent / perTurn);
    console.log(`[budget race] budget ${(budget / perTurn).toFixed(1)} calls; the four runs spent ${calls} calls (${spent.toFixed(6)} USD)`);
    expect(spent).toBeGreaterThanOrEqual(budget - 1e-9);
    // one call may pass the line (admitted while the month and the calls in flight were just under it),
    // never one per run: each call is admitted knowing what the others have in flight
    expect(spent).toBeLessThanOrEqual(budget + perTurn + 1e-9);
    // no step that ended holds anything
    for (const step of steps) expect(step.reservedUsd).toBe(0);

    // nothing counted twice: each run's total is its step's cost, computed when it ended from its tokens
    for (const id of ids) {
      const run = await prisma.run.findUniqueOrThrow({ where: { id } });
      const step = steps.find((s) => s.runId === id)!;
      const turns = step.inputTokens / TURN.inputTokens;
      expect(step.costUsd).toBeCloseTo(turns * perTurn, 12);
      expect(run.costUsd).toBeCloseTo(step.costUsd, 12);
    }
    expect(steps.reduce((a, s) => a + s.costUsd, 0)).toBeCloseTo(spent, 12);
  });

  it("counts a running step's spend in the client's month as it arrives; the cost written when it ends replaces it", async () => {
    standin.mode = "call-then-hang";
    const model = `race-priced-${suffix()}`;
    await saveModelPrice({ model, ...PRICE }, ADMIN);
    const perTurn = costOf(TURN, { model, ...PRICE });
    const client = await ensureClient(`arrives-${suffix()}`);
    const id = await queueRun({ pipelineSlug: agentPipeline(model), clientSlug: client.slug, createdBy: ACTOR });
    // one model call answered, the next one hangs: the step is running and its call already counts
    await waitFor(async () => (await clientMonthSpend(client.id)).usd > 0, 60_000, "the running step's spend");
    await waitFor(() => requestsFor(model) === 2, 60_000, "the step's second model call");
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "draft" } })).status).toBe("running");
    expect((await clientMonthSpend(client.id)).usd).toBeCloseTo(perTurn, 12);
    await cancelRun(id, ACTOR);
    await waitForRunStatus(id, ["cancelled"], 60_000);
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "draft" } });
    expect(step.costUsd).toBeCloseTo(perTurn, 12);
    expect(JSON.parse(step.priceJson ?? "{}")).toMatchObject({ model, ...PRICE });
    expect((await prisma.run.findUniqueOrThrow({ where: { id } })).costUsd).toBeCloseTo(perTurn, 12);
    expect((await clientMonthSpend(client.id)).usd).toBeCloseTo(perTurn, 12);
  });

  it("a model call in flight holds its cost against the budget; a cancelled step's hold, or a dead worker's, blocks no later run", async () => {
    standin.mode = "call-then-hang";
    const model = `race-priced-${suffix()}`;
    await saveModelPrice({ model, ...PRICE }, ADMIN);
    const perTurn = costOf(TURN, { model, ...PRICE });
    const client = await ensureClient(`hold-${suffix()}`);
    // a call and a half: a second call is admitted (one call spent), a third is not while the second is in flight
    await updateClient({ slug: client.slug, name: "Hold Co", monthlyBudgetUsd: 1.5 * perTurn }, ADMIN, { isAdmin: true });
    const pipeline = agentPipeline(model);
    const first = await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR });
    await waitFor(() => requestsFor(model) === 2, 60_000, "the first run's second model call");
    const held = await prisma.runStep.findFirstOrThrow({ where: { runId: first, stepId: "draft" } });
    expect(held.status).toBe("running");
    // the call in flight holds what the step's previous call cost
    expect(held.reservedUsd).toBeCloseTo(perTurn, 12);
    expect((await clientMonthSpend(client.id)).usd).toBeCloseTo(perTurn, 12);

    // spend alone (one call of a call and a half) would admit it: the call in flight stops it before it asks
    const blocked = await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR });
    expect((await waitForRunStatus(blocked, ["succeeded", "failed"], 60_000)).status).toBe("failed");
    const refused = await prisma.runStep.findFirstOrThrow({ where: { runId: blocked, stepId: "draft" } });
    expect(refused.error).toMatch(/^Budget reached: Hold Co has spent \$[\d.]+ of its \$[\d.]+ budget for .+, and its other running steps' model calls in flight hold \$[\d.]+ of what is left$/);
    expect(refused.inputTokens).toBe(0);
    expect(requestsFor(model)).toBe(2);

    // cancelled: its hold goes with it, and a later run makes its call
    await cancelRun(first, ACTOR);
    await waitForRunStatus(first, ["cancelled"], 60_000);
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: first, stepId: "draft" } })).reservedUsd).toBe(0);
    const later = await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR });
    await waitFor(() => requestsFor(model) === 3, 60_000, "the later run's model call");
    // its call brought the month over the line: the step stops there
    expect((await waitForRunStatus(later, ["succeeded", "failed"], 60_000)).status).toBe("failed");
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: later, stepId: "draft" } })).inputTokens).toBe(TURN.inputTokens);

    // a worker that died mid-call leaves its step running with its hold: it counts while the worker's lease
    // lasts, and recovery, which ends that attempt, lets it go
    standin.mode = "answer";
    const crashedClient = await ensureClient(`crashed-${suffix()}`);
    await updateClient({ slug: crashedClient.slug, name: "Crashed Co", monthlyBudgetUsd: 1.5 * perTurn }, ADMIN, { isAdmin: true });
    const template = await prisma.run.findUniqueOrThrow({ where: { id: first }, select: { pipelineSlug: true, pipelineName: true, pipelineJson: true } });
    const crashed = await prisma.run.create({
      data: { ...template, clientId: crashedClient.id, status: "running", startedAt: new Date(), leaseOwner: `crashed-${suffix()}`, leaseExpiresAt: new Date(Date.now() + 60 * 60_000) },
      select: { id: true },
    });
    await prisma.runStep.create({
      data: { runId: crashed.id, stepId: "draft", position: 0, kind: "agent", status: "running", startedAt: new Date(), runner: "anthropic", model, reservedUsd: 10 * perTurn },
    });
    const behindCrash = await queueRun({ pipelineSlug: pipeline, clientSlug: crashedClient.slug, createdBy: ACTOR });
    expect((await waitForRunStatus(behindCrash, ["succeeded", "failed"], 60_000)).status).toBe("failed");
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: behindCrash, stepId: "draft" } })).error).toMatch(/^Budget reached: Crashed Co has spent \$0\.00 of its .* hold \$/);
    // the lease runs out; recovery marks the attempt interrupted and resumes the run with a new one
    await prisma.run.update({ where: { id: crashed.id }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
    await recoverInterruptedRuns();
    // the resumed run is admitted and answers, and so is a new one
    expect((await waitForRunStatus(crashed.id, ["succeeded", "failed"], 60_000)).status).toBe("succeeded");
    const afterCrash = await queueRun({ pipelineSlug: pipeline, clientSlug: crashedClient.slug, createdBy: ACTOR });
    await waitForRunStatus(afterCrash, ["succeeded", "failed"], 60_000);
    // admitted: it made its call (which brought the month over the line)
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: afterCrash, stepId: "draft" } })).inputTokens).toBe(TURN.inputTokens);
  });

  it("the openai runner asks before each model call too: a call in flight holds its cost", async () => {
    standin.mode = "call-then-hang";
    const model = `race-priced-${suffix()}`;
    await saveModelPrice({ model, ...PRICE }, ADMIN);
    const perTurn = costOf(TURN, { model, ...PRICE });
    const client = await ensureClient(`hold-openai-${suffix()}`);
    await updateClient({ slug: client.slug, name: "Hold Co", monthlyBudgetUsd: 1.5 * perTurn }, ADMIN, { isAdmin: true });
    const pipeline = agentPipeline(model, 500, "openai");
    const first = await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR });
    await waitFor(() => requestsFor(model, "/v1/chat/completions") === 2, 60_000, "the first run's second model call");
    const spent = (await clientMonthSpend(client.id)).usd;
    expect(spent).toBeGreaterThan(0);
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: first, stepId: "draft" } })).reservedUsd).toBeCloseTo(spent, 12);

    const blocked = await queueRun({ pipelineSlug: pipeline, clientSlug: client.slug, createdBy: ACTOR });
    expect((await waitForRunStatus(blocked, ["succeeded", "failed"], 60_000)).status).toBe("failed");
    expect((await prisma.runStep.findFirstOrThrow({ where: { runId: blocked, stepId: "draft" } })).error).toMatch(/^Budget reached: Hold Co has spent .* hold \$[\d.]+ of what is left$/);
    expect(requestsFor(model, "/v1/chat/completions")).toBe(2);
    await cancelRun(first, ACTOR);
    await waitForRunStatus(first, ["cancelled"], 60_000);
  });

  it("refuses an agent step on a model with no price under a USD budget, at its start and with the reason; the API gives costUsd null for an unpriced run", async () => {
    standin.mode = "echo";
    const client = await ensureClient(`unpriced-${suffix()}`);
    await updateClient({ slug: client.slug, name: "Unpriced Co", monthlyBudgetUsd: 100 }, ADMIN, { isAdmin: true });
    const model = `no-price-${suffix()}`;
    const before = standin.requests.length;
    const id = await queueRun({ pipelineSlug: agentPipeline(model), clientSlug: client.slug, createdBy: ACTOR });
    const run = await waitForRunStatus(id, ["succeeded", "failed"], 60_000);
    expect(run.status).toBe("failed");
    const step = await prisma.runStep.findFirstOrThrow({ where: { runId: id, stepId: "draft" } });
    expect(step.error).toBe(`No price for "${model}": Unpriced Co has a USD budget, so an agent step on a model with no price is refused (its spend could not be counted). An admin adds the price in Settings.`);
    // refused before the model was asked anything
    expect(standin.requests.length).toBe(before);

    // the runner's default model (SWITCHBOARD_ANTHROPIC_MODEL) is priced: a step naming none runs
    const priced = await queueRun({ pipelineSlug: agentPipeline(null, 5), clientSlug: client.slug, createdBy: ACTOR });
    expect((await waitForRunStatus(priced, ["succeeded", "failed"], 60_000)).status).toBe("succeeded");

    // without a budget the same model runs, its tokens counted and its cost unknown: null, never $0
    const free = await ensureClient(`unpriced-free-${suffix()}`);
    const ran = await queueRun({ pipelineSlug: agentPipeline(model, 5), clientSlug: free.slug, createdBy: ACTOR });
    expect((await waitForRunStatus(ran, ["succeeded", "failed"], 60_000)).status).toBe("succeeded");
    expect((await getRunDetail(ran))?.usage).toMatchObject({ unpricedModel: model, costUsd: null });
  });

  it("seeds a price for every runner's default model", async () => {
    const { agentEnv } = await import("@/lib/env");
    const env = agentEnv();
    const rows = await prisma.modelPrice.findMany({ where: { model: { in: [env.SWITCHBOARD_ANTHROPIC_MODEL, env.SWITCHBOARD_OPENAI_MODEL, env.SWITCHBOARD_CODEX_MODEL] } }, select: { model: true } });
    expect(rows.map((r) => r.model).sort()).toEqual(["claude-sonnet-4-5", "gpt-4.1-mini", "gpt-5.5"]);
  });
});
