// What the server does once at start, before it serves: migrate, create the workspace and the first
// admin when missing, import client folders. Idempotent: a second start loses and duplicates nothing.
import "server-only";
import { ensureAdminFromEnv } from "@/lib/auth/users";
import { importClientFolders } from "@/lib/clients/clients";
import { dbReady } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { databasePath, env, workspaceDir } from "@/lib/env";
import { ensureWorkspace } from "@/lib/workspace/seed";

export async function prepareRuntime(): Promise<void> {
  const { applied } = migrateDatabase(databasePath());
  if (applied.length) console.log(`[switchboard] applied migrations: ${applied.join(", ")}`);
  await dbReady();
  if (ensureWorkspace(workspaceDir())) console.log(`[switchboard] created the demo workspace at ${workspaceDir()}`);
  const imported = await importClientFolders();
  if (imported.length) console.log(`[switchboard] added clients from workspace folders: ${imported.join(", ")}`);
  const admin = await ensureAdminFromEnv(env().ADMIN_EMAIL, env().ADMIN_PASSWORD);
  if (admin === "created") console.log(`[switchboard] created the admin ${env().ADMIN_EMAIL}`);
}
