// What an admin does to other users: change a role, disable and enable, reset a password, end every
// session. Each is audited here. A change that ends sessions bumps `sessionVersion`, which the session
// lookup compares on every request, so it takes effect at the user's next request, not their next sign-in.
import "server-only";
import { recordAudit, type Actor } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { clearAccountThrottle } from "@/lib/auth/throttle";
import { ZResetPasswordInput, ZSetRoleInput, ZUserId, type Role } from "@/lib/auth/users.schema";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { NotFoundError, SafeError } from "@/lib/errors";

type AdminActor = Actor & { id: string };

async function requireUser(id: string) {
  const user = await prisma.user.findUnique({ where: { id }, select: { id: true, email: true, role: true, disabledAt: true } });
  if (!user) throw new NotFoundError("No such user");
  return user;
}

function refuseSelf(actor: AdminActor, userId: string, what: string): void {
  if (actor.id === userId) throw new SafeError(`You cannot ${what} yourself; ask another admin`);
}

/**
 * Applies `set` only while another active admin remains, in one statement: two admins demoting or
 * disabling each other at the same moment cannot leave the Switchboard with none.
 */
async function updateKeepingAnAdmin(userId: string, change: "demote" | "disable"): Promise<number> {
  const anotherAdmin = Prisma.sql`(SELECT COUNT(*) FROM "User" WHERE "role" = 'admin' AND "disabledAt" IS NULL AND "id" <> ${userId}) > 0`;
  if (change === "demote") {
    return prisma.$executeRaw`UPDATE "User" SET "role" = 'operator' WHERE "id" = ${userId} AND ${anotherAdmin}`;
  }
  return prisma.$executeRaw`
    UPDATE "User" SET "disabledAt" = ${new Date()}, "sessionVersion" = "sessionVersion" + 1 WHERE "id" = ${userId} AND ${anotherAdmin}`;
}

export async function setUserRole(input: unknown, actor: AdminActor): Promise<{ role: Role }> {
  const { id, role } = ZSetRoleInput.parse(input);
  refuseSelf(actor, id, "change the role of");
  const user = await requireUser(id);
  if (user.role === role) return { role };
  if (role === "operator") {
    if ((await updateKeepingAnAdmin(id, "demote")) === 0) throw new SafeError("Keep at least one active admin: make another admin first");
  } else {
    await prisma.user.update({ where: { id }, data: { role } });
  }
  await recordAudit({ actor, action: "user.role", targetType: "user", targetId: id, data: { email: user.email, from: user.role, to: role } });
  return { role };
}

export async function disableUser(input: unknown, actor: AdminActor): Promise<void> {
  const { id } = ZUserId.parse(input);
  refuseSelf(actor, id, "disable");
  const user = await requireUser(id);
  if (user.disabledAt) return;
  if ((await updateKeepingAnAdmin(id, "disable")) === 0) throw new SafeError("Keep at least one active admin: make another admin first");
  await recordAudit({ actor, action: "user.disable", targetType: "user", targetId: id, data: { email: user.email } });
}

export async function enableUser(input: unknown, actor: AdminActor): Promise<void> {
  const { id } = ZUserId.parse(input);
  const user = await requireUser(id);
  if (!user.disabledAt) return;
  await prisma.user.update({ where: { id }, data: { disabledAt: null } });
  await recordAudit({ actor, action: "user.enable", targetType: "user", targetId: id, data: { email: user.email } });
}

/** A new password set by an admin; the user's sessions end, and the account may sign in at once. */
export async function resetUserPassword(input: unknown, actor: AdminActor): Promise<void> {
  const { id, password } = ZResetPasswordInput.parse(input);
  const user = await requireUser(id);
  await prisma.user.update({ where: { id }, data: { passwordHash: await hashPassword(password), sessionVersion: { increment: 1 } } });
  await clearAccountThrottle(user.email);
  await recordAudit({ actor, action: "user.password-reset", targetType: "user", targetId: id, data: { email: user.email } });
}

/** Ends every session of the user at its next request. API tokens are separate: revoke them in the token list. */
export async function signOutUserEverywhere(input: unknown, actor: AdminActor): Promise<void> {
  const { id } = ZUserId.parse(input);
  const user = await requireUser(id);
  await prisma.user.update({ where: { id }, data: { sessionVersion: { increment: 1 } } });
  await recordAudit({ actor, action: "user.sign-out-everywhere", targetType: "user", targetId: id, data: { email: user.email } });
}
