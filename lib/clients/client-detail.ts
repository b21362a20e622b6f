// A client as GET /api/clients, GET /api/clients/<slug> and the client pages show it: the row in the
// API's words (archived as a yes/no), its memory, and this month's spend against its budget.
import "server-only";
import { clientMemoryView, getClient } from "@/lib/clients/clients";
import { ZListClientsInput, type ListClientsInput } from "@/lib/clients/clients.schema";
import { prisma } from "@/lib/db/client";
import { decodeOptionalCursor, olderThan, toPage } from "@/lib/db/cursor";
import { monthOf } from "@/lib/spend/money";
import { clientMonthSpend } from "@/lib/spend/spend-queries";

type ClientRow = { slug: string; name: string; description: string; monthlyBudgetUsd: number | null; monthlyTokenBudget?: number | null; archivedAt: Date | null; createdAt: Date };

export function clientView(c: ClientRow) {
  return {
    slug: c.slug,
    name: c.name,
    description: c.description,
    monthlyBudgetUsd: c.monthlyBudgetUsd,
    monthlyTokenBudget: c.monthlyTokenBudget ?? null,
    archived: c.archivedAt !== null,
    archivedAt: c.archivedAt,
    createdAt: c.createdAt,
  };
}

/** GET /api/clients: clients newest first, `{ items, nextCursor }` like every list of the API. */
export async function listClientsPage(input: ListClientsInput = {}) {
  const q = ZListClientsInput.parse(input);
  const rows = await prisma.client.findMany({
    where: { ...(q.includeArchived ? {} : { archivedAt: null }), ...olderThan(decodeOptionalCursor(q.cursor)) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    select: { id: true, slug: true, name: true, description: true, monthlyBudgetUsd: true, monthlyTokenBudget: true, archivedAt: true, createdAt: true },
  });
  const page = toPage(rows, q.limit);
  return { items: page.items.map(clientView), nextCursor: page.nextCursor };
}

/**
 * One client with its CLAUDE.md and `spend { monthUsd, budgetUsd, tokens }` (INTERFACES.md; beside them
 * the month, the token budget, and the subscription runs' tokens and API-equivalent cost). `memory` is
 * the file's text (null when missing or unreadable); `memoryView` says how much of it a page renders and
 * why it cannot be read, so an oversized or broken file never breaks the page or the API.
 */
export async function getClientDetail(slug: string) {
  const client = await getClient(slug);
  const month = monthOf(new Date());
  const spend = await clientMonthSpend(client.id, month);
  const memoryView = clientMemoryView(client.slug);
  return {
    id: client.id,
    ...clientView(client),
    memory: memoryView.source,
    memoryError: memoryView.error,
    memoryView,
    spend: {
      monthUsd: spend.usd,
      budgetUsd: client.monthlyBudgetUsd,
      tokens: spend.tokens,
      month: month.key,
      tokenBudget: client.monthlyTokenBudget ?? null,
      subscriptionTokens: spend.subscriptionTokens,
      subscriptionUsd: spend.subscriptionUsd,
    },
  };
}
