// Every filter mix of the runs list reads one index range in page order: never a scan of the table and
// never a sort of every match (both take hundreds of ms to seconds at a million runs). SQLite's plan for
// the statement listRuns sends is checked rather than a time: the plan does not depend on the machine,
// and without ANALYZE it does not depend on the number of rows either.
import { describe, expect, it } from "vitest";
import { sqlite } from "@/lib/db";
import { runIdsQuery, type RunIdsFilter } from "@/lib/engine/run-queries";

describe("runs list query plans", () => {
  it("search the index of exactly the filtered columns, in page order, for every mix of filters and pages", async () => {
    const db = await sqlite();
    const values = { clientId: "c", pipelineSlug: "p", status: "failed" };
    let checked = 0;
    for (let mask = 0; mask < 8; mask++) {
      const used = (Object.keys(values) as (keyof typeof values)[]).filter((_, i) => mask & (1 << i));
      for (const from of [undefined, new Date("2026-01-01T00:00:00Z")]) {
        for (const to of [undefined, new Date("2026-02-01T00:00:00Z")]) {
          for (const cursor of [undefined, { createdAt: new Date("2026-01-15T00:00:00Z"), id: "x" }]) {
            for (const trigger of [undefined, "adhoc"]) {
              const filter: RunIdsFilter = Object.assign({ from, to, cursor, trigger, limit: 51 }, ...used.map((c) => ({ [c]: values[c] })));
              const { sql, params } = runIdsQuery(filter);
              const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(" | ");
              const index = `Run_${[...used, "createdAt", "id"].join("_")}_idx`;
              expect(plan, sql).toMatch(new RegExp(`^(SEARCH|SCAN) Run USING (COVERING )?INDEX ${index}( |$)`));
              expect(plan, sql).not.toContain("TEMP B-TREE");
              // a bounded filter reads a range of the index, not all of it
              if (used.length || from || to || cursor) expect(plan, sql).toMatch(/^SEARCH/);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(128);
  });

  it("sorted by cost, read the (costUsd, id) index of exactly the filtered columns in page order, never sorting every match", async () => {
    const db = await sqlite();
    const values = { clientId: "c", pipelineSlug: "p", status: "failed" };
    let checked = 0;
    for (let mask = 0; mask < 8; mask++) {
      const used = (Object.keys(values) as (keyof typeof values)[]).filter((_, i) => mask & (1 << i));
      for (const from of [undefined, new Date("2026-01-01T00:00:00Z")]) {
        for (const to of [undefined, new Date("2026-02-01T00:00:00Z")]) {
          for (const costCursor of [undefined, { costUsd: 1.5, id: "x" }]) {
            for (const trigger of [undefined, "adhoc"]) {
              const filter: RunIdsFilter = Object.assign({ from, to, costCursor, trigger, sort: "cost" as const, limit: 51 }, ...used.map((c) => ({ [c]: values[c] })));
              const { sql, params } = runIdsQuery(filter);
              const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(" | ");
              const index = `Run_${[...used, "costUsd", "id"].join("_")}_idx`;
              expect(plan, sql).toMatch(new RegExp(`^(SEARCH|SCAN) Run USING (COVERING )?INDEX ${index}( |$)`));
              expect(plan, sql).not.toContain("TEMP B-TREE");
              if (used.length || costCursor) expect(plan, sql).toMatch(/^SEARCH/);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(128);
  });
});
