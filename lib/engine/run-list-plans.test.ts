// Every filter mix of the runs list reads one index range in page order: never a scan of the table and
// never a sort of every match (both take hundreds of ms to seconds at a million runs). SQLite's plan for
// the statement listRuns sends is checked rather than a time: the plan does not depend on the machine,
// and without ANALYZE it does not depend on the number of rows either.
import { describe, expect, it } from "vitest";
import { sqlite } from "@/lib/db/client";
import { runIdsQuery, type RunIdsFilter } from "@/lib/engine/run-list";

const VALUES = { clientId: "c", pipelineSlug: "p", status: "failed" };

/**
 * Checks the plan of every mix of filters, with and without a page cursor: `orderColumn` is the index's
 * sort column, `cursor` a page cursor of that order, `bounded` whether the mix reads only a range.
 */
async function checkEveryMix(
  orderColumn: "createdAt" | "costUsd",
  page: (cursor: boolean) => Partial<RunIdsFilter>,
  bounded: (mix: { used: string[]; from?: Date; to?: Date; cursor: boolean }) => boolean,
): Promise<number> {
  const db = await sqlite();
  let checked = 0;
  for (let mask = 0; mask < 8; mask++) {
    const used = (Object.keys(VALUES) as (keyof typeof VALUES)[]).filter((_, i) => mask & (1 << i));
    for (const from of [undefined, new Date("2026-01-01T00:00:00Z")]) {
      for (const to of [undefined, new Date("2026-02-01T00:00:00Z")]) {
        for (const cursor of [false, true]) {
          for (const trigger of [undefined, "adhoc"]) {
            const filter: RunIdsFilter = Object.assign({ from, to, trigger, limit: 51, ...page(cursor) }, ...used.map((c) => ({ [c]: VALUES[c] })));
            const { sql, params } = runIdsQuery(filter);
            const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(" | ");
            const index = `Run_${[...used, orderColumn, "id"].join("_")}_idx`;
            expect(plan, sql).toMatch(new RegExp(`^(SEARCH|SCAN) Run USING (COVERING )?INDEX ${index}( |$)`));
            expect(plan, sql).not.toContain("TEMP B-TREE");
            if (bounded({ used, from, to, cursor })) expect(plan, sql).toMatch(/^SEARCH/);
            checked++;
          }
        }
      }
    }
  }
  return checked;
}

describe("runs list query plans", () => {
  it("search the index of exactly the filtered columns, in page order, for every mix of filters and pages", async () => {
    const checked = await checkEveryMix(
      "createdAt",
      (cursor) => ({ cursor: cursor ? { createdAt: new Date("2026-01-15T00:00:00Z"), id: "x" } : undefined }),
      // a bounded filter reads a range of the index, not all of it
      ({ used, from, to, cursor }) => used.length > 0 || !!from || !!to || cursor,
    );
    expect(checked).toBe(128);
  });

  it("sorted by cost, read the (costUsd, id) index of exactly the filtered columns in page order, never sorting every match", async () => {
    const checked = await checkEveryMix(
      "costUsd",
      (cursor) => ({ sort: "cost" as const, costCursor: cursor ? { costUsd: 1.5, id: "x" } : undefined }),
      // dates do not bound a cost-ordered index; the filtered columns and the cursor do
      ({ used, cursor }) => used.length > 0 || cursor,
    );
    expect(checked).toBe(128);
  });
});
