import "server-only";
import { randomUUID } from "node:crypto";
import { recordAudit, type Actor } from "@/lib/audit";
import { prisma } from "@/lib/db/client";
import { SafeError } from "@/lib/errors";
import { dummyPasswordHash, hashPassword, verifyPassword } from "@/lib/auth/password";
import { releaseAfterSuccess, reserveAttempt, throttleKeys } from "@/lib/auth/throttle";
import type { TokenScope } from "@/lib/auth/tokens.schema";
import { ZCreateUserInput, ZCredentials, ZFirstAdminInput, type CreateUserInput, type Role } from "@/lib/auth/users.schema";

/** Who is calling. `tokenScope` is set when the call came with an API token, which may do less than its user. */
export type SessionUser = { id: string; email: string; name: string; role: Role; tokenScope?: TokenScope };

export async function countUsers(): Promise<number> {
  return prisma.user.count();
}

/**
 * Creates the first admin, only while no user exists. One conditional INSERT, so two submissions at
 * once on a fresh install make exactly one admin.
 */
export async function createFirstAdmin(input: unknown): Promise<SessionUser | null> {
  const data = ZFirstAdminInput.parse(input);
  // anyone may call this (no session yet): once a user exists it costs one count, never a password hash
  if ((await prisma.user.count()) > 0) return null;
  const passwordHash = await hashPassword(data.password);
  const id = randomUUID();
  const inserted = await prisma.$executeRaw`
    INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "createdAt")
    SELECT ${id}, ${data.email}, ${data.name}, ${passwordHash}, 'admin', ${new Date().toISOString()}
    WHERE NOT EXISTS (SELECT 1 FROM "User")`;
  if (inserted !== 1) return null;
  return { id, email: data.email, name: data.name, role: "admin" };
}

export async function createUser(input: CreateUserInput, actor: Actor): Promise<SessionUser> {
  const data = ZCreateUserInput.parse(input);
  const existing = await prisma.user.findUnique({ where: { email: data.email }, select: { id: true } });
  if (existing) throw new SafeError(`A user with the email ${data.email} already exists`);
  const user = await prisma.user.create({
    data: { email: data.email, name: data.name, role: data.role, passwordHash: await hashPassword(data.password) },
    select: { id: true, email: true, name: true, role: true },
  });
  await recordAudit({ actor, action: "user.create", targetType: "user", targetId: user.id, data: { email: user.email, role: user.role } });
  return { ...user, role: user.role as Role };
}

export async function listUsers() {
  return prisma.user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, role: true, createdAt: true, disabledAt: true },
  });
}

/**
 * The user behind a session or token, checked on every request: a disabled user is no one, and a
 * session issued before the user's sessions were ended (`sessionVersion`) is no longer valid.
 */
export async function findActiveUser(id: string, sessionVersion?: number): Promise<SessionUser | null> {
  const user = await prisma.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, disabledAt: true, sessionVersion: true },
  });
  if (!user || user.disabledAt) return null;
  if (sessionVersion !== undefined && sessionVersion !== user.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role };
}

export type SignInResult = { ok: true; user: SessionUser & { sessionVersion: number } } | { ok: false; reason: "invalid" | "throttled"; waitMs?: number };

/** Checks credentials, slowed per account and per address after repeated failures. */
export async function authenticate(credentials: unknown, address?: string, now = new Date()): Promise<SignInResult> {
  const parsed = ZCredentials.safeParse(credentials);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  // the attempt is counted before the password is checked, so concurrent guesses cannot outrun the count
  const reservation = await reserveAttempt(throttleKeys(email, address), now);
  if (!reservation.ok) return { ok: false, reason: "throttled", waitMs: reservation.waitMs };
  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, role: true, disabledAt: true, passwordHash: true, sessionVersion: true },
  });
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !matches || user.disabledAt) return { ok: false, reason: "invalid" };
  await releaseAfterSuccess(reservation.keys);
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role as Role, sessionVersion: user.sessionVersion },
  };
}

/** ADMIN_EMAIL / ADMIN_PASSWORD at start: creates that admin when no user exists yet. */
export async function ensureAdminFromEnv(email: string | undefined, password: string | undefined): Promise<"created" | "exists" | "skipped"> {
  if (!email || !password) return "skipped";
  const created = await createFirstAdmin({ email, password, name: "Admin" });
  return created ? "created" : "exists";
}
