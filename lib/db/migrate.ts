// Applies the committed SQL migrations under prisma/migrations with better-sqlite3, recording them in
// Prisma's own _prisma_migrations table. The Prisma CLI cannot download its schema engine here, and a
// fresh clone must reach a migrated database with no network.
import "server-only";
import Database from "better-sqlite3";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

type MigrateResult = { applied: string[]; pending: number };

export function migrationsDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
}

function listMigrations(dir: string): { name: string; sql: string; checksum: string }[] {
  if (!fs.existsSync(dir)) throw new Error(`No migrations folder at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Opens (creating when missing) the SQLite file and applies every migration not yet applied. */
export function migrateDatabase(file: string, dir = migrationsDir()): MigrateResult {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 15_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(MIGRATIONS_TABLE);
    const applied: string[] = [];
    for (const m of listMigrations(dir)) {
      // BEGIN IMMEDIATE: two processes starting at once must not both apply the same migration
      const apply = db.transaction(() => {
        const row = db.prepare(`SELECT checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = ? AND rolled_back_at IS NULL`).get(m.name) as { checksum: string; finished_at: string | null } | undefined;
        if (row) {
          if (row.checksum !== m.checksum) {
            throw new Error(`Migration ${m.name} was changed after it was applied (checksum differs). Add a new migration instead.`);
          }
          return false;
        }
        db.exec(m.sql);
        db.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)`).run(randomUUID(), m.checksum, m.name);
        return true;
      });
      if (apply.immediate()) applied.push(m.name);
    }
    return { applied, pending: 0 };
  } finally {
    db.close();
  }
}
