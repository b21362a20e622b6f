// For tests of codex's own shell: codex refuses to set up its command sandbox when its CODEX_HOME (kept in
// Switchboard's data folder) is under the system's temporary folder, and then runs no command at all. A
// test file that needs commands to run imports this FIRST, before anything opens the database: the test's
// database (so its data folder) moves to a fresh folder under /var/tmp.
import fs from "node:fs";
import path from "node:path";
import { migrateDatabase } from "@/lib/db/migrate";
import { resetEnvForTests } from "@/lib/env";

const root = fs.mkdtempSync(path.join(fs.existsSync("/var/tmp") ? "/var/tmp" : process.cwd(), "switchboard-test-"));
const dbFile = path.join(root, "data", "test.db");
fs.mkdirSync(path.dirname(dbFile), { recursive: true });
process.env.DATABASE_URL = `file:${dbFile}`;
migrateDatabase(dbFile);
resetEnvForTests();
process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
