// Admission of a model call against a client's USD budget, atomic across runs and processes. Before an API
// runner (anthropic, openai) sends a request, its step holds the call's estimated cost in one BEGIN
// IMMEDIATE transaction that reads the client's month spend and what its other running steps hold: the
// call is admitted while those stay under the budget, so every other call then in flight is already
// counted, and the total passes the budget by at most about one call. The usage event that reports the
// call releases the hold in its own transaction (lib/spend/step-cost.ts). A hold counts only while its step
// runs: a step that ends any way, or whose worker died and was recovered, holds nothing.
import "server-only";
import { prepared, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import type { TokenUsage } from "@/lib/agents/runner";
import type { Month } from "@/lib/spend/money";
import { costOf, type ModelPriceRow } from "@/lib/spend/prices";

/** What a first call's request is counted as: a token for every three characters (English runs about four). */
const CHARS_PER_TOKEN = 3;

/**
 * The cost a model call holds before it is made: the step's previous call's cost (the next request holds
 * all of it and more), or for its first call the request's own size as input tokens. A first call's output
 * is unknown until it arrives; a bound such as the runner's output cap (8,192 tokens) would hold far more
 * than a tool-calling turn spends and stop the client's other runs short of the budget.
 */
export function modelCallEstimate(price: ModelPriceRow | null, previous: Partial<TokenUsage> | null, requestChars: () => number): number {
  if (!price) return 0;
  if (previous) {
    return costOf({ inputTokens: previous.inputTokens ?? 0, outputTokens: previous.outputTokens ?? 0, cacheReadTokens: previous.cacheReadTokens ?? 0, cacheWriteTokens: previous.cacheWriteTokens ?? 0 }, price);
  }
  const inputTokens = Math.ceil(requestChars() / CHARS_PER_TOKEN);
  return costOf({ inputTokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, price);
}

export type Admission = { admitted: true } | { admitted: false; budgetUsd: number; spentUsd: number; heldUsd: number };

function monthSpentUsd(db: Sqlite, clientId: string, from: string, to: string): number {
  const row = prepared(db, `SELECT COALESCE(SUM("costUsd"), 0) AS "usd" FROM "Run" WHERE "clientId" = ? AND "createdAt" >= ? AND "createdAt" < ?`).get(clientId, from, to) as { usd: number };
  return row.usd;
}

function heldByOthersUsd(db: Sqlite, clientId: string, runStepId: string, from: string, to: string): number {
  const row = prepared(
    db,
    `SELECT COALESCE(SUM(s."reservedUsd"), 0) AS "usd" FROM "RunStep" s JOIN "Run" r ON r."id" = s."runId"
      WHERE r."clientId" = ? AND r."createdAt" >= ? AND r."createdAt" < ?
        AND s."status" = 'running' AND s."reservedUsd" > 0 AND s."id" <> ?`,
  ).get(clientId, from, to, runStepId) as { usd: number };
  return row.usd;
}

/**
 * Holds `estimateUsd` for the step's next model call when the client's month spend and what its other
 * running steps hold stay under its USD budget (read in the same transaction, so an admin's change applies
 * at once); otherwise holds nothing and says why. A client without a USD budget admits every call.
 */
export async function reserveModelCall(input: { clientId: string; runStepId: string; estimateUsd: number; month: Month }): Promise<Admission> {
  const from = sqlDate(input.month.start);
  const to = sqlDate(input.month.end);
  return writeTransaction((db): Admission => {
    const client = prepared(db, `SELECT "monthlyBudgetUsd" FROM "Client" WHERE "id" = ?`).get(input.clientId) as { monthlyBudgetUsd: number | null } | undefined;
    const budgetUsd = client?.monthlyBudgetUsd ?? null;
    if (budgetUsd === null) return { admitted: true };
    const spentUsd = monthSpentUsd(db, input.clientId, from, to);
    const heldUsd = heldByOthersUsd(db, input.clientId, input.runStepId, from, to);
    const admitted = spentUsd + heldUsd < budgetUsd;
    prepared(db, `UPDATE "RunStep" SET "reservedUsd" = ? WHERE "id" = ? AND "status" = 'running'`).run(admitted ? input.estimateUsd : 0, input.runStepId);
    return admitted ? { admitted } : { admitted, budgetUsd, spentUsd, heldUsd };
  });
}

/** Releases the step's hold, in the caller's transaction (the one that records the call's usage or the step's end). */
export function releaseModelCall(db: Sqlite, runStepId: string): void {
  prepared(db, `UPDATE "RunStep" SET "reservedUsd" = 0 WHERE "id" = ? AND "reservedUsd" <> 0`).run(runStepId);
}
