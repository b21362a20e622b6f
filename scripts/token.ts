// npm run token -- <name>: makes an API token for the first admin and prints it (once).
import { createApiToken } from "@/lib/auth/tokens";
import { recordAudit } from "@/lib/audit";
import { prisma } from "@/lib/db";
import { migrateDatabase } from "@/lib/db/migrate";
import { databasePath } from "@/lib/env";

async function main() {
  const name = process.argv.slice(2).join(" ").trim();
  if (!name) {
    console.error("usage: npm run token -- <name>   (name the token after what will use it)");
    process.exit(2);
  }
  migrateDatabase(databasePath());
  const admin = await prisma.user.findFirst({ where: { role: "admin", disabledAt: null }, orderBy: { createdAt: "asc" }, select: { id: true, email: true } });
  if (!admin) {
    console.error("No admin exists yet: start Switchboard and create the admin first (or set ADMIN_EMAIL and ADMIN_PASSWORD).");
    process.exit(1);
  }
  const { id, token } = await createApiToken(admin.id, name);
  await recordAudit({ actor: { id: admin.id, label: `${admin.email} (npm run token)` }, action: "token.create", targetType: "token", targetId: id, data: { name } });
  console.error(`Token "${name}" for ${admin.email}. It is shown once; revoke it in /settings.`);
  console.log(token);
}

main().finally(() => prisma.$disconnect());
