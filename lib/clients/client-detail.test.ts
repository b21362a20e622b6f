import { describe, expect, it } from "vitest";
import { clientView, getClientDetail, listClientsPage } from "@/lib/clients/client-detail";
import { listClientsQuery } from "@/lib/clients/clients.schema";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";

describe("client detail (the client page and GET /api/clients/<slug>)", () => {
  it("gives the client with its memory and this month's spend against its budget", async () => {
    const slug = `spend-${Math.random().toString(36).slice(2, 8)}`;
    const { id } = await ensureClient(slug);
    await prisma.client.update({ where: { id }, data: { monthlyBudgetUsd: 20 } });
    writePipeline("spend-one", "name: One\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: x }\n");
    const thisMonth = await queueRun({ pipelineSlug: "spend-one", clientSlug: slug, createdBy: ACTOR });
    const lastYear = await queueRun({ pipelineSlug: "spend-one", clientSlug: slug, createdBy: ACTOR });
    await prisma.run.update({ where: { id: thisMonth }, data: { costUsd: 1.25, inputTokens: 100, outputTokens: 20 } });
    await prisma.run.update({ where: { id: lastYear }, data: { costUsd: 9, inputTokens: 5000, createdAt: new Date(Date.now() - 400 * 86_400_000) } });

    const detail = await getClientDetail(slug);
    expect(detail.spend).toMatchObject({ monthUsd: 1.25, budgetUsd: 20, tokens: 120, tokenBudget: null, subscriptionTokens: 0, subscriptionUsd: 0 });
    expect(detail).toMatchObject({ slug, archived: false, memory: null });
  });

  it("says archived as a yes/no, as the API always has", () => {
    const row = { slug: "a", name: "A", description: "", monthlyBudgetUsd: null, monthlyTokenBudget: null, archivedAt: new Date("2026-01-01T00:00:00Z"), createdAt: new Date("2025-01-01T00:00:00Z") };
    expect(clientView(row)).toEqual({ ...row, archived: true });
    expect(clientView({ ...row, archivedAt: null }).archived).toBe(false);
  });
});

describe("GET /api/clients's list", () => {
  it("pages through clients newest first with the shared cursor, archived ones only when asked", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await ensureClient(`page-${tag}-${i}`, { archived: i === 4 })).slug);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listClientsPage>> = await listClientsPage({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c) => c.slug));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made.slice(0, 4)));
    expect(seen).not.toContain(made[4]);
    const all = await listClientsPage(listClientsQuery(new URLSearchParams("archived=true&limit=200")));
    expect(all.items.map((c) => c.slug)).toContain(made[4]);
    expect(all.items.find((c) => c.slug === made[4])?.archived).toBe(true);
    await expect(listClientsPage({ cursor: "nonsense!" })).rejects.toThrow(/Invalid cursor/);
  });
});
