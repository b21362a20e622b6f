// The one Prisma client, over better-sqlite3, cached on globalThis (route bundles each get their own module copy).
// The engine's hottest statements run as prepared statements on the same better-sqlite3 connection
// (Prisma's per-query cost is several times SQLite's): one connection, so no second writer to wait on.
import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databasePath } from "@/lib/env";

export type Sqlite = BetterSqlite3.Database;

const globalForDb = globalThis as unknown as { switchboardPrisma?: Db; switchboardPrismaReady?: Promise<void>; switchboardSqlite?: Sqlite };

function createPrisma() {
  const factory = new PrismaBetterSqlite3({ url: databasePath(), timeout: 10_000 });
  // the adapter opens its connection on Prisma's first query (and again after a $disconnect): keep it
  const adapter: Pick<PrismaBetterSqlite3, "provider" | "adapterName" | "connect" | "connectToShadowDb"> = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const connection = await factory.connect();
      globalForDb.switchboardSqlite = (connection as unknown as { client: Sqlite }).client;
      return connection;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
  return new PrismaClient({
    adapter,
    // secrets stay out of every query result unless a caller asks for them by name
    omit: { user: { passwordHash: true }, apiToken: { tokenHash: true } },
  });
}

type Db = ReturnType<typeof createPrisma>;

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

/** Prisma's connection itself, ready (pragmas set), for prepared statements on the hot path. */
export async function sqlite(): Promise<Sqlite> {
  await dbReady();
  let db = globalForDb.switchboardSqlite;
  if (!db?.open) {
    await prisma.$queryRawUnsafe("SELECT 1"); // reconnects after a $disconnect
    db = globalForDb.switchboardSqlite;
  }
  if (!db?.open) throw new Error("The database connection is not open");
  return db;
}

const statements = new WeakMap<Sqlite, Map<string, BetterSqlite3.Statement>>();

/** A statement prepared once per connection; plain numbers, not BigInt (the adapter turns those on). */
export function prepared(db: Sqlite, sql: string): BetterSqlite3.Statement {
  let byConnection = statements.get(db);
  if (!byConnection) statements.set(db, (byConnection = new Map()));
  let statement = byConnection.get(sql);
  if (!statement) {
    statement = db.prepare(sql).safeIntegers(false);
    byConnection.set(sql, statement);
  }
  return statement;
}

/**
 * Runs `write` as one BEGIN IMMEDIATE transaction on Prisma's connection, synchronously, so nothing
 * else in this process can interleave with it. A Prisma transaction is a series of awaited statements
 * on the same connection: while one is open, `write` waits for it to end instead of joining it (then a
 * rollback of Prisma's would silently undo these writes too).
 */
export async function writeTransaction<T>(write: (db: Sqlite) => T): Promise<T> {
  const db = await sqlite();
  if (db.inTransaction) {
    writesWaiting += 1;
    try {
      for (let waits = 0; db.inTransaction; waits++) await new Promise<void>((resolve) => (waits < 8 ? setImmediate(resolve) : setTimeout(resolve, 1)));
    } finally {
      writesWaiting -= 1;
    }
  }
  return db.transaction(write).immediate(db);
}

let writesWaiting = 0;

/** How many `writeTransaction` calls wait for another transaction on the connection to end (a test's barrier). */
export function waitingWriteCount(): number {
  return writesWaiting;
}

/** A stored DateTime as Prisma's adapter writes it (ISO 8601 with an explicit offset). */
export function sqlDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** An INSERT or UPDATE that broke a unique constraint: Prisma's P2002, or SQLite's own code. */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "P2002" || code === "SQLITE_CONSTRAINT_UNIQUE";
}
