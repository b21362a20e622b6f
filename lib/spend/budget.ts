// Budgets: a client's monthly USD budget (API-priced steps) and optional monthly token budget (steps on a
// subscription login, which cost no USD). A new run of an agent pipeline for a client at or over either
// is refused; an agent step is refused at its start, and stopped when the usage it reports reaches one.
import "server-only";
import { prisma } from "@/lib/db";
import { SafeError } from "@/lib/errors";
import type { TokenUsage } from "@/lib/agents/runner";
import { formatUsd, formatNumber } from "@/lib/format";
import { monthOf, type Month } from "@/lib/spend/money";
import { costOf, listModelPrices, matchPrice, type ModelPriceRow } from "@/lib/spend/prices";
import { clientMonthSpend, type Spend } from "@/lib/spend/spend-queries";
import { tokensOf } from "@/lib/spend/step-cost";

export type BudgetClient = { id: string; name: string; monthlyBudgetUsd: number | null; monthlyTokenBudget: number | null };

/** Refused because the client is at or over a budget; the message says which, by how much, and for when. */
export class BudgetExceededError extends SafeError {
  constructor(message: string) {
    super(message, 402);
    this.name = "BudgetExceededError";
  }
}

/** True for a BudgetExceededError from any bundle's copy of this module. */
export function isBudgetExceeded(error: unknown): error is BudgetExceededError {
  return error instanceof Error && error.name === "BudgetExceededError";
}

/** The reason `spend` is at or over one of the client's budgets, or null. */
export function budgetReason(client: BudgetClient, spend: Pick<Spend, "usd" | "subscriptionTokens">, month: Month): string | null {
  if (client.monthlyBudgetUsd !== null && spend.usd >= client.monthlyBudgetUsd) {
    return `Budget reached: ${client.name} has spent ${formatUsd(spend.usd)} of its ${formatUsd(client.monthlyBudgetUsd)} budget for ${month.label}`;
  }
  if (client.monthlyTokenBudget !== null && spend.subscriptionTokens >= client.monthlyTokenBudget) {
    return `Budget reached: ${client.name} has used ${formatNumber(spend.subscriptionTokens)} subscription tokens of its ${formatNumber(client.monthlyTokenBudget)}-token budget for ${month.label}`;
  }
  return null;
}

export function hasBudget(client: BudgetClient): boolean {
  return client.monthlyBudgetUsd !== null || client.monthlyTokenBudget !== null;
}

async function budgetClient(clientId: string): Promise<BudgetClient | null> {
  return prisma.client.findUnique({ where: { id: clientId }, select: { id: true, name: true, monthlyBudgetUsd: true, monthlyTokenBudget: true } });
}

/** Throws a BudgetExceededError when the client is at or over a budget this month. */
export async function refuseOverBudget(clientId: string, now = new Date()): Promise<void> {
  const client = await budgetClient(clientId);
  if (!client || !hasBudget(client)) return;
  const month = monthOf(now);
  const reason = budgetReason(client, await clientMonthSpend(client.id, month), month);
  if (reason) throw new BudgetExceededError(`${reason}. An admin can raise the budget on the client's page.`);
}

/**
 * Watches one running agent step: `check` adds what the step has reported so far (priced as it will be
 * when the step ends) to what the client's other runs spent this month, and says when that reaches a
 * budget. Spend is read again at each check, so runs going on at the same time count too.
 */
export class BudgetWatch {
  private constructor(
    private readonly client: BudgetClient,
    private readonly prices: ModelPriceRow[],
  ) {}

  /** Null when the client has no budget: nothing to watch. */
  static async forClient(clientId: string | null | undefined): Promise<BudgetWatch | null> {
    if (!clientId) return null;
    const client = await budgetClient(clientId);
    if (!client || !hasBudget(client)) return null;
    return new BudgetWatch(client, await listModelPrices());
  }

  async check(usage: TokenUsage, model: string | null, subscription: boolean, now = new Date()): Promise<string | null> {
    const month = monthOf(now);
    const spent = await clientMonthSpend(this.client.id, month);
    const price = matchPrice(this.prices, model);
    const stepUsd = price ? costOf(usage, price) : 0;
    return budgetReason(this.client, { usd: spent.usd + (subscription ? 0 : stepUsd), subscriptionTokens: spent.subscriptionTokens + (subscription ? tokensOf(usage) : 0) }, month);
  }
}

/** The reason a step stopped: the run's budget line was reached while it ran. */
export class BudgetReached extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BudgetReached";
  }
}
