// An agent step's cost, written when the step ends (succeeded, failed, cancelled or interrupted) in the
// same transaction as its tokens: the price applied is kept with the step, and the run's totals grow by
// the step's. A step on a subscription login is billed nothing in USD: its API-equivalent cost and its
// tokens are added to the run's subscription totals instead.
import { prepared, type Sqlite } from "@/lib/db";
import type { TokenUsage } from "@/lib/agents/runner";
import { notifyBudgetCrossings } from "@/lib/spend/budget-notify";
import { costOf, priceInTransaction } from "@/lib/spend/prices";

export type StepCostInput = { runId: string; runStepId: string; usage: TokenUsage; model: string | null; subscription: boolean };

/** Every token a model processed for the step: what a token budget counts. */
export function tokensOf(usage: Pick<TokenUsage, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens">): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

export function writeStepCost(db: Sqlite, step: StepCostInput): { costUsd: number; apiCostUsd: number | null } {
  const price = priceInTransaction(db, step.model);
  const apiCostUsd = price ? costOf(step.usage, price) : null;
  const costUsd = step.subscription ? 0 : (apiCostUsd ?? 0);
  const tokens = tokensOf(step.usage);
  // a model with no price leaves its mark only when it spent something
  const unpriced = !price && tokens > 0 ? (step.model ?? "an unnamed model") : null;
  prepared(db, `UPDATE "RunStep" SET "subscription" = ?, "costUsd" = ?, "apiCostUsd" = ?, "priceJson" = ? WHERE "id" = ?`).run(
    step.subscription ? 1 : 0, costUsd, apiCostUsd, price ? JSON.stringify(price) : null, step.runStepId,
  );
  prepared(
    db,
    `UPDATE "Run" SET "costUsd" = "costUsd" + ?, "subscription" = MAX("subscription", ?), "subscriptionTokens" = "subscriptionTokens" + ?,
      "subscriptionUsd" = "subscriptionUsd" + ?, "unpricedModel" = COALESCE(?, "unpricedModel") WHERE "id" = ?`,
  ).run(costUsd, step.subscription ? 1 : 0, step.subscription ? tokens : 0, step.subscription ? (apiCostUsd ?? 0) : 0, unpriced, step.runId);
  // a step that spent nothing crosses no line
  if (costUsd > 0 || (step.subscription && tokens > 0)) notifyBudgetCrossings(db, step.runId, new Date());
  return { costUsd, apiCostUsd };
}
