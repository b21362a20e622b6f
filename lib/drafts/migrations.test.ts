// The migrations of this change on a database that already holds what the old code could leave:
// two drafts for one approval step (a worker that lost its lease), a decision recorded without its
// continuation (a crash between the two writes), and ad-hoc calls posing as runs of pipeline "adhoc".
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrateDatabase, migrationsDir } from "@/lib/db/migrate";

const BEFORE = "20261129000100";
const at = "2026-11-01T10:00:00.000+00:00";

function databaseBefore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sb-mig-drafts-"));
  const older = path.join(dir, "migrations");
  for (const name of fs.readdirSync(migrationsDir()).filter((n) => n < BEFORE)) fs.cpSync(path.join(migrationsDir(), name), path.join(older, name), { recursive: true });
  const file = path.join(dir, "db.sqlite");
  migrateDatabase(file, older);
  return file;
}

describe("the one-draft-per-step and ad-hoc migrations", () => {
  it("close a duplicate draft, hand recorded decisions to their waiting runs, and move ad-hoc calls off pipeline 'adhoc'", () => {
    const file = databaseBefore();
    const db = new Database(file);
    const run = (id: string, status: string, extra = "") =>
      db.exec(
        `INSERT INTO "Run" ("id","pipelineSlug","pipelineName","pipelineJson","status","trigger","createdAt","updatedAt") VALUES ('${id}', ${extra || "'p','P','{}'"}, '${status}', '${extra ? "adhoc" : "manual"}', '${at}', '${at}')`,
      );
    const step = (id: string, runId: string, status: string) =>
      db.exec(`INSERT INTO "RunStep" ("id","runId","stepId","position","kind","status","attempt") VALUES ('${id}','${runId}','review',0,'approval','${status}',1)`);
    const draft = (id: string, runId: string, stepId: string, status: string, created: string, approvedVersion: number | null = null) => {
      db.exec(
        `INSERT INTO "Draft" ("id","runId","runStepId","title","body","status","version","approvedVersion","decisionNote","createdAt","updatedAt") VALUES ('${id}','${runId}','${stepId}','T ${id}','B ${id}','${status}',1,${approvedVersion ?? "NULL"},${status === "rejected" ? "'off brand'" : "NULL"},'${created}','${at}')`,
      );
      db.exec(`INSERT INTO "DraftVersion" ("id","draftId","version","title","body","createdAt") VALUES ('v${id}','${id}',1,'T ${id}','B ${id}','${at}')`);
    };
    run("dup", "waiting");
    step("dup-s", "dup", "waiting");
    draft("d1", "dup", "dup-s", "pending", "2026-11-01T10:00:00.000+00:00");
    draft("d2", "dup", "dup-s", "pending", "2026-11-01T10:00:01.000+00:00");
    run("approved", "waiting");
    step("approved-s", "approved", "waiting");
    draft("d3", "approved", "approved-s", "approved", at, 1);
    run("rejected", "waiting");
    step("rejected-s", "rejected", "waiting");
    draft("d4", "rejected", "rejected-s", "rejected", at);
    run("adhoc-1", "succeeded", "'adhoc','Ad-hoc: everything/echo','{}'");
    db.close();

    migrateDatabase(file);
    const after = new Database(file, { readonly: true });
    const get = <T>(sql: string) => after.prepare(sql).all() as T[];
    expect(get(`SELECT "id","status","runStepId" FROM "Draft" WHERE "runId" = 'dup' ORDER BY "id"`)).toEqual([
      { id: "d1", status: "pending", runStepId: "dup-s" },
      { id: "d2", status: "rejected", runStepId: null },
    ]);
    expect(() => new Database(file).exec(`UPDATE "Draft" SET "runStepId" = 'dup-s' WHERE "id" = 'd2'`)).toThrow(/UNIQUE/);
    expect(get(`SELECT "status","outputJson" FROM "RunStep" WHERE "id" = 'approved-s'`)).toEqual([{ status: "succeeded", outputJson: JSON.stringify({ title: "T d3", body: "B d3", version: 1, text: "B d3" }) }]);
    expect(get(`SELECT "id","status" FROM "Run" WHERE "id" IN ('approved','rejected','dup') ORDER BY "id"`)).toEqual([
      { id: "approved", status: "queued" },
      { id: "dup", status: "waiting" },
      { id: "rejected", status: "rejected" },
    ]);
    expect(get(`SELECT "status","error" FROM "RunStep" WHERE "id" = 'rejected-s'`)).toEqual([{ status: "failed", error: "Rejected: off brand" }]);
    expect(get(`SELECT "pipelineSlug","pipelineName" FROM "Run" WHERE "id" = 'adhoc-1'`)).toEqual([{ pipelineSlug: "", pipelineName: "everything/echo" }]);
    after.close();
  });
});
