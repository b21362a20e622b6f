// API tokens: shown once, stored as a sha256 hash, scoped, revocable, last use recorded; audited here.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { recordAudit, type Actor } from "@/lib/audit";
import { findActiveUser, type SessionUser } from "@/lib/auth/users";
import { ZCreateTokenInput, ZTokenScope, type CreateTokenInput, type TokenScope } from "@/lib/auth/tokens.schema";
import { prisma } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";

const TOKEN_PATTERN = /^sb_[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Makes a token acting for `userId` (its maker) with the given scope; the token is returned once. */
export async function createApiToken(userId: string, input: CreateTokenInput, actor: Actor): Promise<{ id: string; token: string; scope: TokenScope }> {
  const { name, scope } = ZCreateTokenInput.parse(input);
  const token = `sb_${randomBytes(32).toString("base64url")}`;
  const row = await prisma.apiToken.create({
    data: { name, scope, tokenHash: hashToken(token), prefix: token.slice(0, 10), userId },
    select: { id: true },
  });
  await recordAudit({ actor, action: "token.create", targetType: "token", targetId: row.id, data: { name, scope, userId } });
  return { id: row.id, token, scope };
}

export async function listApiTokens() {
  return prisma.apiToken.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true, user: { select: { email: true } } },
  });
}

export async function revokeApiToken(id: string, actor: Actor): Promise<void> {
  const { count } = await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) throw new NotFoundError("No active token with that id");
  await recordAudit({ actor, action: "token.revoke", targetType: "token", targetId: id });
}

/** The user a bearer token acts for, with the token's scope; null for a wrong, revoked or malformed token or a disabled user. */
export async function userForToken(token: string): Promise<SessionUser | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, revokedAt: true, lastUsedAt: true, scope: true },
  });
  if (!row || row.revokedAt) return null;
  const user = await findActiveUser(row.userId);
  if (!user) return null;
  const now = new Date();
  // last use is informational: write it at most once a minute per token
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  // an unknown scope in the database grants the least
  const scope = ZTokenScope.safeParse(row.scope);
  return { ...user, tokenScope: scope.success ? scope.data : "read" };
}
