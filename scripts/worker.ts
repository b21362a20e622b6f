// npm run worker: the run queue worker as its own process, beside (or instead of) the web server's.
import { migrateDatabase } from "@/lib/db/migrate";
import { databasePath } from "@/lib/env";
import { runWorkerProcess } from "@/lib/engine/worker-main";

migrateDatabase(databasePath());
void runWorkerProcess();
