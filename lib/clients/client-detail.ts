// A client as GET /api/clients, GET /api/clients/<slug> and the client pages show it: the row in the
// API's words (archived as a yes/no), its memory, and this month's spend against its budget.
import { getClient, readClientMemory } from "@/lib/clients/clients";
import { clientSpendThisMonth } from "@/lib/engine/run-queries";

type ClientRow = { slug: string; name: string; description: string; monthlyBudgetUsd: number | null; archivedAt: Date | null; createdAt: Date };

export function clientView(c: ClientRow) {
  return { slug: c.slug, name: c.name, description: c.description, monthlyBudgetUsd: c.monthlyBudgetUsd, archived: c.archivedAt !== null, archivedAt: c.archivedAt, createdAt: c.createdAt };
}

/** One client with its CLAUDE.md and `spend { monthUsd, budgetUsd, tokens }` (INTERFACES.md). */
export async function getClientDetail(slug: string) {
  const client = await getClient(slug);
  const spend = await clientSpendThisMonth(client.id);
  return {
    id: client.id,
    ...clientView(client),
    memory: readClientMemory(client.slug),
    spend: { monthUsd: spend.costUsd, budgetUsd: client.monthlyBudgetUsd, tokens: spend.tokens },
  };
}
