// Budgets: a client's monthly USD budget (API-priced steps) and optional monthly token budget (steps on a
// subscription login, which cost no USD). A new run of an agent pipeline for a client at or over either
// is refused; an agent step is refused at its start, and stopped when the usage it reports reaches one.
// The API runners' model calls are also admitted one by one before they are made (lib/spend/reservations.ts).
// Under a USD budget, a step on a model with no price is refused too: what it spends could not be counted.
import "server-only";
import { prisma } from "@/lib/db/client";
import { SafeError } from "@/lib/errors";
import { formatUsd, formatNumber } from "@/lib/format";
import { monthOf, type Month } from "@/lib/spend/money";
import { listModelPrices, matchPrice, type ModelPriceRow } from "@/lib/spend/prices";
import { modelCallEstimate, reserveModelCall } from "@/lib/spend/reservations";
import { clientMonthSpend, type Spend } from "@/lib/spend/spend-queries";
import type { TokenUsage } from "@/lib/agents/runner";

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

/** The reason a step on `model` may not run under the client's USD budget: its spend could not be counted. */
export function unpricedReason(client: BudgetClient, model: string | null): string {
  const name = model ? `"${model}"` : "the runner's default model";
  return `No price for ${name}: ${client.name} has a USD budget, so an agent step on a model with no price is refused (its spend could not be counted). An admin adds the price in Settings.`;
}

/**
 * Watches one agent step against its client's budgets. Each usage event's cost is recorded in the
 * client's month as it arrives (lib/spend/step-cost.ts), so `check`, asked after each one, reads the
 * database's total: every run of the client going on at the same time counts, this one included.
 */
export class BudgetWatch {
  private constructor(
    private readonly client: BudgetClient,
    private readonly prices: ModelPriceRow[],
    /** the month the run's costs are booked in (the month it was queued), the one every check reads */
    private readonly month: Month,
  ) {}

  /**
   * Null when the client has no budget: nothing to watch. `runId`: the run whose step is watched; its
   * costs are booked in the month it was queued, so that month is checked (a run of an earlier month
   * retried now, or one queued just before a month ended, is held to the month it spends in).
   */
  static async forClient(clientId: string | null | undefined, runId?: string): Promise<BudgetWatch | null> {
    if (!clientId) return null;
    const client = await budgetClient(clientId);
    if (!client || !hasBudget(client)) return null;
    const run = runId ? await prisma.run.findUnique({ where: { id: runId }, select: { createdAt: true } }) : null;
    return new BudgetWatch(client, await listModelPrices(), monthOf(run?.createdAt ?? new Date()));
  }

  private isUnpriced(model: string | null): boolean {
    return this.client.monthlyBudgetUsd !== null && !matchPrice(this.prices, model);
  }

  /**
   * At the step's start: the client at a budget, or (under a USD budget) a model with no price on a
   * runner that bills USD. `model` null: the runner's own default, not known yet (claude-code).
   */
  async refusal(model: string | null, billsUsd: boolean): Promise<string | null> {
    const month = this.month;
    const reason = budgetReason(this.client, await clientMonthSpend(this.client.id, month), month);
    if (reason) return reason;
    return billsUsd && model !== null && this.isUnpriced(model) ? unpricedReason(this.client, model) : null;
  }

  /** True when model calls are admitted one by one: the client has a USD budget (what the API runners bill). */
  get admitsModelCalls(): boolean {
    return this.client.monthlyBudgetUsd !== null;
  }

  /**
   * Before an API runner's model call: holds its estimated cost (the step's previous call's, or for a first
   * call its request's size) while the client's month and its other running steps' holds stay under the
   * USD budget, else the reason to stop the step. lib/spend/reservations.ts says why this bounds the total.
   */
  async admitModelCall(runStepId: string, model: string | null, previous: Partial<TokenUsage> | null, requestChars: () => number): Promise<string | null> {
    const month = this.month;
    const estimateUsd = modelCallEstimate(matchPrice(this.prices, model), previous, requestChars);
    const admission = await reserveModelCall({ clientId: this.client.id, runStepId, estimateUsd, month });
    if (admission.admitted) return null;
    const spent = `Budget reached: ${this.client.name} has spent ${formatUsd(admission.spentUsd)} of its ${formatUsd(admission.budgetUsd)} budget for ${month.label}`;
    if (admission.spentUsd >= admission.budgetUsd) return spent;
    return `${spent}, and its other running steps' model calls in flight hold ${formatUsd(admission.heldUsd)} of what is left`;
  }

  /** After a usage event was recorded: the reason to stop the step, or null. */
  async check(model: string | null, subscription: boolean): Promise<string | null> {
    const month = this.month;
    const reason = budgetReason(this.client, await clientMonthSpend(this.client.id, month), month);
    if (reason) return reason;
    return !subscription && this.isUnpriced(model) ? unpricedReason(this.client, model) : null;
  }
}

/** The reason a step stopped: the run's budget line was reached while it ran. */
export class BudgetReached extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BudgetReached";
  }
}
