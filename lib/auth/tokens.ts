// API tokens: shown once, stored as a sha256 hash, revocable, last use recorded.
import { createHash, randomBytes } from "node:crypto";
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { findActiveUser, type SessionUser } from "@/lib/auth/users";

const TOKEN_PATTERN = /^sb_[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createApiToken(userId: string, name: string): Promise<{ id: string; token: string }> {
  const token = `sb_${randomBytes(32).toString("base64url")}`;
  const row = await prisma.apiToken.create({
    data: { name: name.trim().slice(0, 80) || "token", tokenHash: hashToken(token), prefix: token.slice(0, 10), userId },
    select: { id: true },
  });
  return { id: row.id, token };
}

export async function listApiTokens() {
  return prisma.apiToken.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, user: { select: { email: true } } },
  });
}

export async function revokeApiToken(id: string): Promise<void> {
  const { count } = await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) throw new NotFoundError("No active token with that id");
}

/** The user a bearer token acts for, or null for a wrong, revoked or malformed token. */
export async function userForToken(token: string): Promise<SessionUser | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return null;
  const now = new Date();
  // last use is informational: write it at most once a minute per token
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return findActiveUser(row.userId);
}
