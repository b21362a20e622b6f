// The price table: USD per million tokens of each kind, per model. A step's cost is computed from it when
// the step ends and kept with the step, with the row applied, so changing a price never rewrites history.
import "server-only";
import { recordAudit, type Actor } from "@/lib/audit";
import { prepared, prisma, type Sqlite } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import type { TokenUsage } from "@/lib/agents/runner";
import { ZDeleteModelPriceInput, ZModelPriceInput, type AppliedPrice } from "@/lib/spend/spend.schema";

export type ModelPriceRow = {
  model: string;
  inputUsdPerMTok: number;
  outputUsdPerMTok: number;
  cacheReadUsdPerMTok: number;
  cacheWriteUsdPerMTok: number;
};

// a dated snapshot or an alias of a priced model: claude-sonnet-4-5-20250929, gpt-5.4-2026-03-05, x-latest
const SNAPSHOT_SUFFIX = /^-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/** The row that prices `model`: its own, else the row it is a dated snapshot of; null when none. */
export function matchPrice<T extends { model: string }>(rows: T[], model: string | null | undefined): T | null {
  if (!model) return null;
  const exact = rows.find((r) => r.model === model);
  if (exact) return exact;
  return rows.find((r) => model.startsWith(r.model) && SNAPSHOT_SUFFIX.test(model.slice(r.model.length))) ?? null;
}

/** USD for these tokens at this price. Reasoning tokens are part of output tokens, as the APIs bill them. */
export function costOf(usage: Pick<TokenUsage, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens">, price: ModelPriceRow): number {
  const usd = usage.inputTokens * price.inputUsdPerMTok + usage.outputTokens * price.outputUsdPerMTok + usage.cacheReadTokens * price.cacheReadUsdPerMTok + usage.cacheWriteTokens * price.cacheWriteUsdPerMTok;
  return usd / 1_000_000;
}

const SELECT_PRICES = `SELECT "model", "inputUsdPerMTok", "outputUsdPerMTok", "cacheReadUsdPerMTok", "cacheWriteUsdPerMTok", "updatedAt" FROM "ModelPrice"`;

/** The price of `model` read inside a write transaction, as it is when the step's cost is written. */
export function priceInTransaction(db: Sqlite, model: string | null): AppliedPrice | null {
  if (!model) return null;
  // candidates: the model itself and every row it starts with (few rows; the table is small)
  const rows = prepared(db, `${SELECT_PRICES} WHERE "model" = ? OR substr(?, 1, length("model")) = "model"`).all(model, model) as AppliedPrice[];
  return matchPrice(rows, model);
}

export async function listModelPrices() {
  return prisma.modelPrice.findMany({ orderBy: { model: "asc" } });
}

/** Adds or changes a model's price (admins, /settings); audited with the old and new prices. */
export async function saveModelPrice(input: unknown, actor: Actor) {
  const data = ZModelPriceInput.parse(input);
  const before = await prisma.modelPrice.findUnique({ where: { model: data.model } });
  const { model, ...rates } = data;
  const saved = await prisma.modelPrice.upsert({ where: { model }, create: { ...data, updatedByLabel: actor.label }, update: { ...rates, updatedByLabel: actor.label } });
  const plain = (r: ModelPriceRow | null) => (r ? { input: r.inputUsdPerMTok, output: r.outputUsdPerMTok, cacheRead: r.cacheReadUsdPerMTok, cacheWrite: r.cacheWriteUsdPerMTok } : null);
  await recordAudit({ actor, action: before ? "price.update" : "price.create", targetType: "model-price", targetId: model, data: { model, before: plain(before), after: plain(saved) } });
  return saved;
}

export async function deleteModelPrice(input: unknown, actor: Actor) {
  const { model } = ZDeleteModelPriceInput.parse(input);
  const before = await prisma.modelPrice.findUnique({ where: { model } });
  if (!before) throw new NotFoundError(`No price for "${model}"`);
  await prisma.modelPrice.delete({ where: { model } });
  await recordAudit({
    actor,
    action: "price.delete",
    targetType: "model-price",
    targetId: model,
    data: { model, before: { input: before.inputUsdPerMTok, output: before.outputUsdPerMTok, cacheRead: before.cacheReadUsdPerMTok, cacheWrite: before.cacheWriteUsdPerMTok } },
  });
}
