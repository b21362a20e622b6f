// budget.warning (80%) and budget.reached (100%): written with the step cost that crosses the line, in the
// same transaction, once per client, month and threshold (the dedupe key names all three, so a second
// step past the line writes nothing). Only agent steps have a cost; tool steps never come here.
import "server-only";
import { prepared, sqlDate, type Sqlite } from "@/lib/db/client";
import { insertOutboxRow } from "@/lib/db/outbox";
import { formatNumber, formatUsd } from "@/lib/format";
import { monthOf } from "@/lib/spend/money";

type BudgetRow = { clientId: string; slug: string; name: string; monthlyBudgetUsd: number | null; monthlyTokenBudget: number | null; runCreatedAt: string };

const THRESHOLDS = [
  { share: 1, event: "budget.reached", word: "reached" },
  { share: 0.8, event: "budget.warning", word: "80% of" },
] as const;

/** Inside the step cost's transaction: the outbox rows of the thresholds the client's month has crossed. */
export function notifyBudgetCrossings(db: Sqlite, runId: string, now: Date): void {
  const client = prepared(
    db,
    `SELECT c."id" AS clientId, c."slug", c."name", c."monthlyBudgetUsd", c."monthlyTokenBudget", r."createdAt" AS runCreatedAt
    FROM "Run" r JOIN "Client" c ON c."id" = r."clientId"
    WHERE r."id" = ? AND (c."monthlyBudgetUsd" IS NOT NULL OR c."monthlyTokenBudget" IS NOT NULL)`,
  ).get(runId) as BudgetRow | undefined;
  if (!client) return;
  const month = monthOf(new Date(client.runCreatedAt));
  const spent = prepared(db, `SELECT COALESCE(SUM("costUsd"), 0) AS usd, COALESCE(SUM("subscriptionTokens"), 0) AS tokens FROM "Run" WHERE "clientId" = ? AND "createdAt" >= ? AND "createdAt" < ?`).get(
    client.clientId,
    sqlDate(month.start),
    sqlDate(month.end),
  ) as { usd: number; tokens: number };
  for (const t of THRESHOLDS) {
    const usdCrossed = client.monthlyBudgetUsd !== null && spent.usd >= client.monthlyBudgetUsd * t.share;
    const tokensCrossed = client.monthlyTokenBudget !== null && spent.tokens >= client.monthlyTokenBudget * t.share;
    if (!usdCrossed && !tokensCrossed) continue;
    const text = usdCrossed
      ? `${client.name} has spent ${formatUsd(spent.usd)} of its ${formatUsd(client.monthlyBudgetUsd ?? 0)} budget for ${month.label}.`
      : `${client.name} has used ${formatNumber(spent.tokens)} of its ${formatNumber(client.monthlyTokenBudget ?? 0)}-token budget for ${month.label}.`;
    insertOutboxRow(db, {
      event: t.event,
      dedupeKey: `${t.event}:${client.clientId}:${month.key}`,
      clientSlug: client.slug,
      title: `${client.name} ${t.word} its ${month.label} budget`,
      text,
      path: `/clients/${client.slug}`,
      at: now,
    });
  }
}
