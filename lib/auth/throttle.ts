// Sign-in attempts are slowed per account and per address: after a few failures each further attempt
// must wait, doubling up to a cap. The right password still works once the wait is over.
import { prisma } from "@/lib/db";

const FREE_FAILURES = 5;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5 * 60_000;

export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));
}

export function throttleKeys(email: string, address: string | undefined): string[] {
  const keys = [`email:${email.trim().toLowerCase()}`];
  if (address) keys.push(`ip:${address}`);
  return keys;
}

/** Milliseconds the caller must still wait before another attempt, 0 when it may try now. */
export async function remainingWait(keys: string[], now = new Date()): Promise<number> {
  const rows = await prisma.loginThrottle.findMany({ where: { key: { in: keys } }, select: { blockedUntil: true } });
  return rows.reduce((wait, r) => Math.max(wait, r.blockedUntil ? r.blockedUntil.getTime() - now.getTime() : 0), 0);
}

export async function recordFailure(keys: string[], now = new Date()): Promise<void> {
  for (const key of keys) {
    const row = await prisma.loginThrottle.upsert({
      where: { key },
      create: { key, failures: 1 },
      update: { failures: { increment: 1 } },
      select: { failures: true },
    });
    const delay = delayAfter(row.failures);
    if (delay > 0) await prisma.loginThrottle.update({ where: { key }, data: { blockedUntil: new Date(now.getTime() + delay) } });
  }
}

export async function recordSuccess(keys: string[]): Promise<void> {
  // only the account's counter is cleared: one good login must not unlock an address that guesses others
  await prisma.loginThrottle.deleteMany({ where: { key: { in: keys.filter((k) => k.startsWith("email:")) } } });
}
