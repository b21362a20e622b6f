// listRuns with several statuses reads each status on its own and merges the pages: the merged pages
// must be the same runs, in the same order, as one query over every run would give.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";
import { listRuns } from "@/lib/engine/run-list";

const pipeline = `statuses-${Math.random().toString(36).slice(2, 8)}`;
const ids: string[] = [];

beforeAll(async () => {
  writePipeline(pipeline, "name: Statuses\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: x }\n");
  for (let i = 0; i < 23; i++) ids.push(await queueRun({ pipelineSlug: pipeline, createdBy: ACTOR }));
  const statuses = ["failed", "cancelled", "succeeded"];
  for (const [i, id] of ids.entries()) {
    // runs in groups sharing one createdAt, so the merge must also order by id within a timestamp
    await prisma.run.update({ where: { id }, data: { status: statuses[i % 3], createdAt: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 4))) } });
  }
});

async function everyPage(filter: Parameters<typeof listRuns>[0]): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listRuns>> = await listRuns({ ...filter, cursor });
    seen.push(...page.items.map((r) => r.id));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe("listRuns with several statuses", () => {
  it("pages through the merged statuses newest first, each run once, as one ordered query would", async () => {
    const merged = await everyPage({ pipeline, status: ["failed", "cancelled"], limit: 4 });
    const expected = await prisma.run.findMany({
      where: { pipelineSlug: pipeline, status: { in: ["failed", "cancelled"] } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(expected.length).toBe(16);
    expect(merged).toEqual(expected.map((r) => r.id));
  });

  it("treats a repeated status as one", async () => {
    const once = await everyPage({ pipeline, status: "succeeded", limit: 5 });
    expect(await everyPage({ pipeline, status: ["succeeded", "succeeded"], limit: 5 })).toEqual(once);
    expect(once).toHaveLength(7);
  });
});
