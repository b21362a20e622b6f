// npm run token -- <name> [--scope read|run|admin]: makes an API token for the first admin and prints it (once).
import { parseArgs } from "node:util";
import { createApiToken } from "@/lib/auth/tokens";
import { ZTokenScope } from "@/lib/auth/tokens.schema";
import { prisma } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { databasePath } from "@/lib/env";

const USAGE = "usage: npm run token -- <name> [--scope read|run|admin]   (name the token after what will use it; scope defaults to run)";

function parseCommandLine() {
  try {
    return parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { scope: { type: "string", default: "run" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

async function main() {
  const parsed = parseCommandLine();
  const name = parsed.positionals.join(" ").trim();
  const scope = ZTokenScope.safeParse(parsed.values.scope);
  if (!name || !scope.success) {
    console.error(!name ? USAGE : `Unknown scope "${parsed.values.scope}"\n${USAGE}`);
    process.exit(2);
  }
  migrateDatabase(databasePath());
  const admin = await prisma.user.findFirst({ where: { role: "admin", disabledAt: null }, orderBy: { createdAt: "asc" }, select: { id: true, email: true } });
  if (!admin) {
    console.error("No admin exists yet: start Switchboard and create the admin first (or set ADMIN_EMAIL and ADMIN_PASSWORD).");
    process.exit(1);
  }
  const { token } = await createApiToken(admin.id, { name, scope: scope.data }, { id: admin.id, label: `${admin.email} (npm run token)` });
  console.error(`Token "${name}" (scope ${scope.data}) for ${admin.email}. It is shown once; revoke it in /settings.`);
  console.log(token);
}

main().finally(() => prisma.$disconnect());
