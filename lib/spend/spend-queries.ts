// What was spent, by client, pipeline and month (UTC calendar months, by when the run was queued): USD at
// API prices, tokens, and apart from them the tokens and API-equivalent cost of subscription runs.
import "server-only";
import { prisma } from "@/lib/db/client";
import { monthOf, type Month } from "@/lib/spend/money";

export type Spend = {
  /** USD billed at API prices (subscription steps are not in it) */
  usd: number;
  /** every token of every run: input, output, cache reads and writes */
  tokens: number;
  /** tokens of steps on a subscription login (what a token budget counts) */
  subscriptionTokens: number;
  /** what the subscription steps would have cost at API prices: shown apart, never added to usd */
  subscriptionUsd: number;
  runs: number;
};

const SUMS = { costUsd: true, inputTokens: true, outputTokens: true, cacheTokens: true, subscriptionTokens: true, subscriptionUsd: true } as const;

type Sums = {
  _sum: { costUsd: number | null; inputTokens: number | null; outputTokens: number | null; cacheTokens: number | null; subscriptionTokens: number | null; subscriptionUsd: number | null };
  _count: { _all: number };
};

function spendOf(s: Sums): Spend {
  const n = (v: number | null) => v ?? 0;
  return {
    usd: n(s._sum.costUsd),
    tokens: n(s._sum.inputTokens) + n(s._sum.outputTokens) + n(s._sum.cacheTokens),
    subscriptionTokens: n(s._sum.subscriptionTokens),
    subscriptionUsd: n(s._sum.subscriptionUsd),
    runs: s._count._all,
  };
}

/** A client's spend in one month (this month by default). */
export async function clientMonthSpend(clientId: string, month: Month = monthOf(new Date())): Promise<Spend> {
  const sums = await prisma.run.aggregate({ where: { clientId, createdAt: { gte: month.start, lt: month.end } }, _sum: SUMS, _count: { _all: true } });
  return spendOf(sums);
}

/** A pipeline's spend in one month, over every client. */
export async function pipelineMonthSpend(pipelineSlug: string, month: Month = monthOf(new Date())): Promise<Spend> {
  const sums = await prisma.run.aggregate({ where: { pipelineSlug, createdAt: { gte: month.start, lt: month.end } }, _sum: SUMS, _count: { _all: true } });
  return spendOf(sums);
}

/** Everything spent in one month. */
export async function monthSpend(month: Month = monthOf(new Date())): Promise<Spend> {
  const sums = await prisma.run.aggregate({ where: { createdAt: { gte: month.start, lt: month.end } }, _sum: SUMS, _count: { _all: true } });
  return spendOf(sums);
}

/** A client's last `count` months, oldest first (this month last), for the client page's chart. */
export async function clientMonthlySpend(clientId: string, count = 6, now = new Date()): Promise<(Spend & { month: Month })[]> {
  const months = Array.from({ length: count }, (_, i) => monthOf(now, i - count + 1));
  return Promise.all(months.map(async (month) => ({ month, ...(await clientMonthSpend(clientId, month)) })));
}

/** This month's spend of every client that spent anything or has a budget, most spent first (the Today page). */
export async function spendByClientThisMonth(now = new Date()) {
  const month = monthOf(now);
  const groups = await prisma.run.groupBy({
    by: ["clientId"],
    where: { createdAt: { gte: month.start, lt: month.end }, clientId: { not: null } },
    _sum: SUMS,
    _count: { _all: true },
  });
  const clients = await prisma.client.findMany({
    where: { OR: [{ id: { in: groups.flatMap((g) => (g.clientId ? [g.clientId] : [])) } }, { archivedAt: null, OR: [{ monthlyBudgetUsd: { not: null } }, { monthlyTokenBudget: { not: null } }] }] },
    select: { id: true, slug: true, name: true, monthlyBudgetUsd: true, monthlyTokenBudget: true },
  });
  const rows = clients.map((c) => {
    const g = groups.find((x) => x.clientId === c.id);
    const spend = g ? spendOf(g) : { usd: 0, tokens: 0, subscriptionTokens: 0, subscriptionUsd: 0, runs: 0 };
    return { slug: c.slug, name: c.name, budgetUsd: c.monthlyBudgetUsd, tokenBudget: c.monthlyTokenBudget, ...spend };
  });
  rows.sort((a, b) => b.usd - a.usd || b.subscriptionTokens - a.subscriptionTokens || a.name.localeCompare(b.name));
  return { month, rows };
}

/** Cost of one run's steps by pipeline step id (every attempt summed), for the run page. */
export async function stepCostsOfRun(runId: string) {
  return prisma.runStep.findMany({
    where: { runId },
    orderBy: [{ position: "asc" }, { attempt: "asc" }],
    select: { id: true, stepId: true, attempt: true, model: true, subscription: true, costUsd: true, apiCostUsd: true, priceJson: true },
  });
}
