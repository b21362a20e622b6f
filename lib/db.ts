// The one Prisma client, over better-sqlite3, cached on globalThis (route bundles each get their own module copy).
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databasePath } from "@/lib/env";

function createPrisma() {
  const adapter = new PrismaBetterSqlite3({ url: databasePath(), timeout: 10_000 });
  return new PrismaClient({
    adapter,
    // secrets stay out of every query result unless a caller asks for them by name
    omit: { user: { passwordHash: true }, apiToken: { tokenHash: true } },
  });
}

type Db = ReturnType<typeof createPrisma>;

const globalForDb = globalThis as unknown as { switchboardPrisma?: Db; switchboardPrismaReady?: Promise<void> };

export const prisma: Db = globalForDb.switchboardPrisma ?? (globalForDb.switchboardPrisma = createPrisma());

/**
 * Per-connection pragmas. WAL mode is a property of the file (set by the migrator);
 * synchronous=FULL and busy_timeout belong to each connection.
 */
export function dbReady(): Promise<void> {
  globalForDb.switchboardPrismaReady ??= (async () => {
    await prisma.$queryRawUnsafe("PRAGMA synchronous = FULL");
    await prisma.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  })();
  return globalForDb.switchboardPrismaReady;
}

/** Prisma's error for an INSERT or UPDATE that broke a unique constraint (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
