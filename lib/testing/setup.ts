// Every test file gets its own SQLite file and workspace under a temporary folder, never the real ones.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase } from "@/lib/db/migrate";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-test-"));
const dbFile = path.join(root, "data", "test.db");
process.env.DATABASE_URL = `file:${dbFile}`;
process.env.SWITCHBOARD_WORKSPACE = path.join(root, "workspace");
fs.mkdirSync(process.env.SWITCHBOARD_WORKSPACE, { recursive: true });
migrateDatabase(dbFile);
