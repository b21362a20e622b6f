// npm run worker: the run queue worker (and a heartbeat scheduler beside it) as its own process, beside
// (or instead of) the web server's, with the same life cycle (lib/runtime.ts). It migrates, as the server does.
import { migrateDatabase } from "@/lib/db/migrate";
import { dbReady } from "@/lib/db/client";
import { databasePath } from "@/lib/env";
import { runProcess } from "@/lib/runtime";

void runProcess({
  label: "worker",
  prepare: async () => {
    migrateDatabase(databasePath());
    await dbReady();
  },
  parts: true,
});
