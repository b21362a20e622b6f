// npm run backup [file]: a consistent copy of the database with SQLite's online backup, safe while Switchboard runs.
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { databasePath, dataDir } from "@/lib/env";

async function main() {
  const source = databasePath();
  if (!fs.existsSync(source)) {
    console.error(`No database at ${source}: nothing to back up.`);
    process.exit(1);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const target = path.resolve(process.argv[2] ?? path.join(dataDir(), "backups", `switchboard-${stamp}.db`));
  if (fs.existsSync(target)) {
    console.error(`${target} already exists; choose another file.`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const db = new Database(source, { readonly: true, timeout: 15_000 });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  const check = new Database(target, { readonly: true });
  const integrity = check.pragma("integrity_check", { simple: true });
  check.close();
  if (integrity !== "ok") {
    console.error(`The copy at ${target} failed its integrity check: ${String(integrity)}`);
    process.exit(1);
  }
  console.log(target);
}

void main();
