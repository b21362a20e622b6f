// An agent step's cost. As each usage event arrives, its cost (at the price of the model that reported
// it) is added to the step and its run in the event's own transaction, so a client's month, which
// budgets check, includes steps still running. When the step ends (succeeded, failed, cancelled or
// interrupted) its cost is computed once from its total, with the price applied kept with the step, and
// the run's totals move by the difference from what was added as it ran: nothing is counted twice. A step
// on a subscription login is billed nothing in USD: its API-equivalent cost and its tokens go to the run's
// subscription totals instead. A model call's hold on the budget (lib/spend/reservations.ts) is released
// with the usage event that reports it, and with the step's end.
import "server-only";
import { prepared, type Sqlite } from "@/lib/db/client";
import type { TokenUsage } from "@/lib/agents/runner";
import { notifyBudgetCrossings } from "@/lib/spend/budget-notify";
import { costOf, priceInTransaction } from "@/lib/spend/prices";
import { releaseModelCall } from "@/lib/spend/reservations";

export type StepCostInput = { runId: string; runStepId: string; usage: TokenUsage; model: string | null; subscription: boolean };

type Counted = { costUsd: number; apiCostUsd: number | null; subscription: number; subscriptionTokens: number };

/** Every token a model processed for the step: what a token budget counts. */
export function tokensOf(usage: Pick<TokenUsage, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens">): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

function countedSoFar(db: Sqlite, runStepId: string): Counted {
  const row = prepared(db, `SELECT "costUsd", "apiCostUsd", "subscription", "subscriptionTokens" FROM "RunStep" WHERE "id" = ?`).get(runStepId) as Counted | undefined;
  return row ?? { costUsd: 0, apiCostUsd: null, subscription: 0, subscriptionTokens: 0 };
}

/**
 * Adds one usage event's cost to the running step and its run, in the caller's transaction (the one that
 * records the event and its tokens). Returns the model when it has no price, else null.
 */
export function addUsageCost(db: Sqlite, step: StepCostInput): { unpriced: string | null } {
  // the call this event reports is counted now: what it held before it was made is let go
  releaseModelCall(db, step.runStepId);
  const price = priceInTransaction(db, step.model);
  const tokens = tokensOf(step.usage);
  if (tokens === 0) return { unpriced: null };
  const apiCostUsd = price ? costOf(step.usage, price) : null;
  const costUsd = step.subscription ? 0 : (apiCostUsd ?? 0);
  // a subscription step is billed nothing whatever its price; a USD step with no price has an unknown cost
  const unpriced = price || step.subscription ? null : (step.model ?? "an unnamed model");
  prepared(
    db,
    `UPDATE "RunStep" SET "subscription" = MAX("subscription", ?), "costUsd" = "costUsd" + ?,
      "apiCostUsd" = CASE WHEN ? IS NULL THEN "apiCostUsd" ELSE COALESCE("apiCostUsd", 0) + ? END, "subscriptionTokens" = "subscriptionTokens" + ? WHERE "id" = ?`,
  ).run(step.subscription ? 1 : 0, costUsd, apiCostUsd, apiCostUsd, step.subscription ? tokens : 0, step.runStepId);
  prepared(
    db,
    `UPDATE "Run" SET "costUsd" = "costUsd" + ?, "subscription" = MAX("subscription", ?), "subscriptionTokens" = "subscriptionTokens" + ?,
      "subscriptionUsd" = "subscriptionUsd" + ?, "unpricedModel" = COALESCE(?, "unpricedModel") WHERE "id" = ?`,
  ).run(costUsd, step.subscription ? 1 : 0, step.subscription ? tokens : 0, step.subscription ? (apiCostUsd ?? 0) : 0, unpriced, step.runId);
  // a step that spent nothing crosses no line
  if (costUsd > 0 || (step.subscription && tokens > 0)) notifyBudgetCrossings(db, step.runId, new Date());
  return { unpriced };
}

/** The step's cost from its total, computed once when it ends; the run moves by the change from what was counted as it ran. */
export function writeStepCost(db: Sqlite, step: StepCostInput): { costUsd: number; apiCostUsd: number | null } {
  const price = priceInTransaction(db, step.model);
  const apiCostUsd = price ? costOf(step.usage, price) : null;
  const costUsd = step.subscription ? 0 : (apiCostUsd ?? 0);
  const tokens = tokensOf(step.usage);
  const subscriptionTokens = step.subscription ? tokens : 0;
  const subscriptionUsd = step.subscription ? (apiCostUsd ?? 0) : 0;
  // a model with no price leaves its mark only when it spent something
  const unpriced = !price && !step.subscription && tokens > 0 ? (step.model ?? "an unnamed model") : null;
  const counted = countedSoFar(db, step.runStepId);
  releaseModelCall(db, step.runStepId);
  const countedSubscriptionUsd = counted.subscription ? (counted.apiCostUsd ?? 0) : 0;
  prepared(db, `UPDATE "RunStep" SET "subscription" = ?, "costUsd" = ?, "apiCostUsd" = ?, "priceJson" = ?, "subscriptionTokens" = ? WHERE "id" = ?`).run(
    step.subscription ? 1 : 0,
    costUsd,
    apiCostUsd,
    price ? JSON.stringify(price) : null,
    subscriptionTokens,
    step.runStepId,
  );
  prepared(
    db,
    `UPDATE "Run" SET "costUsd" = "costUsd" + ?, "subscription" = MAX("subscription", ?), "subscriptionTokens" = "subscriptionTokens" + ?,
      "subscriptionUsd" = "subscriptionUsd" + ?, "unpricedModel" = COALESCE(?, "unpricedModel") WHERE "id" = ?`,
  ).run(costUsd - counted.costUsd, step.subscription ? 1 : 0, subscriptionTokens - counted.subscriptionTokens, subscriptionUsd - countedSubscriptionUsd, unpriced, step.runId);
  // what the end adds over what was counted as it ran may cross a line too
  if (costUsd > counted.costUsd || subscriptionTokens > counted.subscriptionTokens) notifyBudgetCrossings(db, step.runId, new Date());
  return { costUsd, apiCostUsd };
}
