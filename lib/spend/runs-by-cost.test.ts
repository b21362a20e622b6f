// /runs?sort=cost and GET /api/runs?sort=cost: most expensive first, paged with the list's cursor, with
// the same filters as the newest-first list.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { listRunsQuery } from "@/lib/engine/engine.schema";
import { queueRun } from "@/lib/engine/queue-run";
import { listRuns } from "@/lib/engine/run-list";
import { ACTOR, ensureClient, writePipeline } from "@/lib/testing/engine";

describe("runs sorted by cost", () => {
  it("lists the costliest first, pages without repeats or gaps, and keeps the filters", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const client = await ensureClient(`cost-${tag}`);
    const other = await ensureClient(`cost-other-${tag}`);
    writePipeline(`cost-${tag}`, "name: Cost\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: x }\n");
    const costs = [0.5, 3, 0, 12.25, 3, 0.01, 7];
    const ids: string[] = [];
    for (const cost of costs) {
      const id = await queueRun({ pipelineSlug: `cost-${tag}`, clientSlug: client.slug, createdBy: ACTOR });
      await prisma.run.update({ where: { id }, data: { costUsd: cost } });
      ids.push(id);
    }
    const elsewhere = await queueRun({ pipelineSlug: `cost-${tag}`, clientSlug: other.slug, createdBy: ACTOR });
    await prisma.run.update({ where: { id: elsewhere }, data: { costUsd: 100 } });

    const seen: { id: string; costUsd: number | null }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listRuns>> = await listRuns(listRunsQuery(new URLSearchParams({ client: client.slug, sort: "cost", limit: "3", ...(cursor ? { cursor } : {}) })));
      seen.push(...page.items.map((r) => ({ id: r.id, costUsd: r.costUsd })));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((r) => r.costUsd)).toEqual([...costs].sort((a, b) => b - a));
    expect(new Set(seen.map((r) => r.id))).toEqual(new Set(ids));

    // several statuses merge by cost too; a bad sort is a clear error for the API and ignored by the page
    const merged = await listRuns(listRunsQuery(new URLSearchParams(`client=${client.slug}&sort=cost&status=queued,failed`)));
    expect(merged.items.map((r) => r.costUsd)).toEqual([...costs].sort((a, b) => b - a));
    await expect(listRuns(listRunsQuery(new URLSearchParams("sort=price")))).rejects.toThrow("Invalid filter: sort must be one of newest, cost");
    expect(listRunsQuery(new URLSearchParams("sort=price"), { lenient: true }).sort).toBeUndefined();
    await expect(listRuns({ sort: "cost", cursor: "bm9wZQ" })).rejects.toThrow(/Invalid cursor/);
  });
});
