// Sign-in attempts are slowed per account and per address: after a few failures each further attempt
// must wait, doubling up to a cap. The right password still works once the wait is over.
//
// An attempt is reserved (counted as a failure) before the password is checked, in one conditional
// upsert per key, so concurrent guesses cannot all pass a check made before any of them is recorded.
// A successful sign-in then gives the reservation back.
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db/client";

const FREE_FAILURES = 5;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5 * 60_000;

export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));
}

/** Address first: an address that is blocked does not get to count against the account it names. */
export function throttleKeys(email: string, address: string | undefined): string[] {
  const keys: string[] = [];
  if (address) keys.push(`ip:${address}`);
  keys.push(`email:${email.trim().toLowerCase()}`);
  return keys;
}

/** Milliseconds the caller must still wait before another attempt, 0 when it may try now. */
export async function remainingWait(keys: string[], now = new Date()): Promise<number> {
  const rows = await prisma.loginThrottle.findMany({ where: { key: { in: keys } }, select: { blockedUntil: true } });
  return rows.reduce((wait, r) => Math.max(wait, r.blockedUntil ? r.blockedUntil.getTime() - now.getTime() : 0), 0);
}

/** `blockedUntil` for the row's new failure count, as SQL: the delay table is small, so it is spelt out. */
function blockedUntilSql(now: Date): Prisma.Sql {
  const cases: Prisma.Sql[] = [];
  let failures = FREE_FAILURES;
  for (; delayAfter(failures) < MAX_DELAY_MS; failures++) {
    cases.push(Prisma.sql`WHEN ${failures} THEN ${new Date(now.getTime() + delayAfter(failures))}`);
  }
  return Prisma.sql`CASE WHEN "failures" + 1 < ${FREE_FAILURES} THEN NULL ELSE CASE "failures" + 1 ${Prisma.join(cases, " ")} ELSE ${new Date(now.getTime() + MAX_DELAY_MS)} END END`;
}

async function reserveKey(key: string, now: Date): Promise<boolean> {
  const firstBlock = delayAfter(1) > 0 ? new Date(now.getTime() + delayAfter(1)) : null;
  // one statement: the check (not blocked) and the count happen together, so two attempts cannot both slip in
  const rows = await prisma.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" ("key", "failures", "blockedUntil", "updatedAt") VALUES (${key}, 1, ${firstBlock}, ${now})
    ON CONFLICT ("key") DO UPDATE SET "failures" = "failures" + 1, "blockedUntil" = ${blockedUntilSql(now)}, "updatedAt" = ${now}
    WHERE "blockedUntil" IS NULL OR "blockedUntil" <= ${now}
    RETURNING "failures"`;
  return rows.length === 1;
}

export type Reservation = { ok: true; keys: string[] } | { ok: false; waitMs: number };

/** Reserves one attempt on every key, or says how long to wait when any of them is blocked. */
export async function reserveAttempt(keys: string[], now = new Date()): Promise<Reservation> {
  const reserved: string[] = [];
  for (const key of keys) {
    if (!(await reserveKey(key, now))) {
      return { ok: false, waitMs: Math.max(1, await remainingWait(keys, now)) };
    }
    reserved.push(key);
  }
  return { ok: true, keys: reserved };
}

/** The attempt succeeded: the account starts afresh, and the address gets its reserved attempt back. */
export async function releaseAfterSuccess(keys: string[]): Promise<void> {
  // only the account's counter is cleared: one good login must not unlock an address that guesses others
  const accountKeys = keys.filter((k) => k.startsWith("email:"));
  const addressKeys = keys.filter((k) => k.startsWith("ip:"));
  await prisma.loginThrottle.deleteMany({ where: { key: { in: accountKeys } } });
  if (addressKeys.length > 0) {
    await prisma.$executeRaw`UPDATE "LoginThrottle" SET "failures" = MAX("failures" - 1, 0) WHERE "key" IN (${Prisma.join(addressKeys)})`;
  }
}

/** After an admin resets a password the account may try again at once. */
export async function clearAccountThrottle(email: string): Promise<void> {
  await prisma.loginThrottle.deleteMany({ where: { key: `email:${email.trim().toLowerCase()}` } });
}
