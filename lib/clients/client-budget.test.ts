// Budgets are an admin's: an operator's client edit never writes the budget columns, so a stale form
// (loaded before an admin changed the budget) cannot write the old budget back. Real SQLite: a trigger
// records every UPDATE whose SET names a budget column, whatever value it writes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateClient } from "@/lib/clients/clients";
import { prisma } from "@/lib/db/client";
import { ensureClient } from "@/lib/testing/engine";

const ADMIN = { id: null, label: "admin@test" };
const OPERATOR = { id: null, label: "operator@test" };
const suffix = Math.random().toString(36).slice(2, 8);
const LOG = `budget_writes_${suffix}`;

beforeAll(async () => {
  await prisma.$executeRawUnsafe(`CREATE TABLE "${LOG}" ("slug" TEXT, "usd" REAL)`);
  await prisma.$executeRawUnsafe(`CREATE TRIGGER "${LOG}_trigger" AFTER UPDATE OF "monthlyBudgetUsd", "monthlyTokenBudget" ON "Client" BEGIN INSERT INTO "${LOG}" VALUES (NEW."slug", NEW."monthlyBudgetUsd"); END`);
});

afterAll(async () => {
  await prisma.$executeRawUnsafe(`DROP TRIGGER "${LOG}_trigger"`);
  await prisma.$executeRawUnsafe(`DROP TABLE "${LOG}"`);
});

const budgetWrites = async (slug: string) => (await prisma.$queryRawUnsafe<{ usd: number | null }[]>(`SELECT "usd" FROM "${LOG}" WHERE "slug" = ?`, slug)).map((r) => r.usd);

describe("an operator's client edit", () => {
  it("never writes a budget: a stale form carrying the old budget leaves the admin's change, and a different one is refused", async () => {
    const slug = `budget-edit-${suffix}`;
    await ensureClient(slug);
    await updateClient({ slug, name: "Budget Edit", monthlyBudgetUsd: 10, monthlyTokenBudget: 1000 }, ADMIN, { isAdmin: true });
    expect(await budgetWrites(slug)).toEqual([10]);

    // the operator's form was loaded now, with $10; the operator saves a new name with it (the budget read
    // back equals the budget written): the row is updated without touching the budget columns
    await updateClient({ slug, name: "Renamed once", monthlyBudgetUsd: 10, monthlyTokenBudget: 1000 }, OPERATOR);
    expect(await budgetWrites(slug)).toEqual([10]);

    // an admin lowers it; the operator's stale form still carries $10: refused, nothing written
    await updateClient({ slug, name: "Renamed once", monthlyBudgetUsd: 2, monthlyTokenBudget: 1000 }, ADMIN, { isAdmin: true });
    await expect(updateClient({ slug, name: "Stale", monthlyBudgetUsd: 10, monthlyTokenBudget: 1000 }, OPERATOR)).rejects.toThrow("Only an admin can change a client's budget");
    // the operator's form as it is now sends no budget: the name changes, the admin's budget stays
    await updateClient({ slug, name: "Renamed twice", description: "edited" }, OPERATOR);
    expect(await budgetWrites(slug)).toEqual([10, 2]);
    expect(await prisma.client.findUniqueOrThrow({ where: { slug }, select: { name: true, description: true, monthlyBudgetUsd: true, monthlyTokenBudget: true } })).toEqual({
      name: "Renamed twice",
      description: "edited",
      monthlyBudgetUsd: 2,
      monthlyTokenBudget: 1000,
    });
    expect(await budgetWrites(slug)).toEqual([10, 2]);

    // an admin's edit that leaves a budget out keeps it; null clears it
    await updateClient({ slug, name: "Renamed twice", monthlyTokenBudget: null }, ADMIN, { isAdmin: true });
    expect(await prisma.client.findUniqueOrThrow({ where: { slug }, select: { monthlyBudgetUsd: true, monthlyTokenBudget: true } })).toEqual({ monthlyBudgetUsd: 2, monthlyTokenBudget: null });
  });
});
