import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { databasePath } from "@/lib/env";

describe("npm run backup", () => {
  it("writes a consistent copy of the live database that holds its rows", async () => {
    await prisma.client.create({ data: { slug: "backup-check", name: "Backup check" } });
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sb-backup-")), "copy.db");
    const out = execFileSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/backup.ts", target], {
      env: { ...process.env, DATABASE_URL: `file:${databasePath()}` },
      encoding: "utf8",
    });
    expect(out.trim()).toBe(target);
    const copy = new Database(target, { readonly: true });
    const row = copy.prepare(`SELECT name FROM "Client" WHERE slug = ?`).get("backup-check") as { name: string } | undefined;
    copy.close();
    expect(row?.name).toBe("Backup check");
  });
});
