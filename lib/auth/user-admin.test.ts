import { beforeEach, describe, expect, it } from "vitest";
import { createApiToken, userForToken } from "@/lib/auth/tokens";
import { disableUser, enableUser, resetUserPassword, setUserRole, signOutUserEverywhere } from "@/lib/auth/user-admin";
import { authenticate, createUser, findActiveUser, type SessionUser } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";

const suffix = () => Math.random().toString(36).slice(2, 8);
let admin: SessionUser;
let actor: { id: string; label: string };

async function makeUser(role: "admin" | "operator" = "operator") {
  return createUser({ email: `${role}-${suffix()}@example.com`, password: "first-password-1", role }, actor);
}

async function sessionVersionOf(id: string) {
  return (await prisma.user.findUniqueOrThrow({ where: { id }, select: { sessionVersion: true } })).sessionVersion;
}

async function auditActions(targetId: string) {
  return (await prisma.auditLog.findMany({ where: { targetId }, orderBy: { id: "asc" }, select: { action: true, actorId: true } })).map((a) => a.action);
}

beforeEach(async () => {
  await prisma.user.deleteMany();
  actor = { id: "", label: "setup" };
  admin = await makeUser("admin");
  actor = { id: admin.id, label: admin.email };
});

describe("disabling a user", () => {
  it("ends their session and their tokens at the next request, and is audited", async () => {
    const user = await makeUser();
    const version = await sessionVersionOf(user.id);
    const { token } = await createApiToken(user.id, { name: "cron", scope: "run" }, actor);
    expect(await findActiveUser(user.id, version)).not.toBeNull();
    expect(await userForToken(token)).not.toBeNull();

    await disableUser({ id: user.id }, actor);
    expect(await findActiveUser(user.id, version)).toBeNull();
    expect(await userForToken(token)).toBeNull();
    expect((await authenticate({ email: user.email, password: "first-password-1" }, undefined)).ok).toBe(false);

    await enableUser({ id: user.id }, actor);
    expect(await userForToken(token)).not.toBeNull();
    // the session that was open when the user was disabled stays ended
    expect(await findActiveUser(user.id, version)).toBeNull();
    expect(await auditActions(user.id)).toEqual(["user.create", "user.disable", "user.enable"]);
  });

  it("refuses to disable or demote yourself, and keeps one active admin", async () => {
    await expect(disableUser({ id: admin.id }, actor)).rejects.toThrow(/yourself/);
    await expect(setUserRole({ id: admin.id, role: "operator" }, actor)).rejects.toThrow(/yourself/);
    const second = await makeUser("admin");
    // two admins demoting each other at once: one of them stays admin
    const results = await Promise.allSettled([
      setUserRole({ id: second.id, role: "operator" }, { id: admin.id, label: admin.email }),
      setUserRole({ id: admin.id, role: "operator" }, { id: second.id, label: second.email }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.user.count({ where: { role: "admin", disabledAt: null } })).toBe(1);
  });
});

describe("roles, passwords and sessions", () => {
  it("changes a role, read on the next request", async () => {
    const user = await makeUser();
    await setUserRole({ id: user.id, role: "admin" }, actor);
    expect((await findActiveUser(user.id, await sessionVersionOf(user.id)))?.role).toBe("admin");
    await setUserRole({ id: user.id, role: "operator" }, actor);
    expect((await findActiveUser(user.id, await sessionVersionOf(user.id)))?.role).toBe("operator");
    expect(await auditActions(user.id)).toEqual(["user.create", "user.role", "user.role"]);
  });

  it("a password reset replaces the password and ends every session", async () => {
    const user = await makeUser();
    const version = await sessionVersionOf(user.id);
    await resetUserPassword({ id: user.id, password: "second-password-2" }, actor);
    expect(await findActiveUser(user.id, version)).toBeNull();
    expect((await authenticate({ email: user.email, password: "first-password-1" }, undefined)).ok).toBe(false);
    const ok = await authenticate({ email: user.email, password: "second-password-2" }, undefined);
    expect(ok.ok).toBe(true);
    // a session made now carries the new version and is valid
    if (ok.ok) expect(await findActiveUser(user.id, ok.user.sessionVersion)).not.toBeNull();
    expect(await auditActions(user.id)).toContain("user.password-reset");
  });

  it("sign out everywhere ends open sessions but leaves the user able to sign in", async () => {
    const user = await makeUser();
    const version = await sessionVersionOf(user.id);
    await signOutUserEverywhere({ id: user.id }, actor);
    expect(await findActiveUser(user.id, version)).toBeNull();
    expect(await findActiveUser(user.id, version + 1)).not.toBeNull();
    expect(await auditActions(user.id)).toContain("user.sign-out-everywhere");
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { targetId: user.id, action: "user.sign-out-everywhere" } });
    expect(audit.actorId).toBe(admin.id);
  });
});

describe("API tokens", () => {
  it("carry their scope, record last use, and are audited when made and revoked", async () => {
    const { revokeApiToken } = await import("@/lib/auth/tokens");
    for (const scope of ["read", "run", "admin"] as const) {
      const { id, token } = await createApiToken(admin.id, { name: `t-${scope}`, scope }, actor);
      const caller = await userForToken(token);
      expect(caller?.tokenScope).toBe(scope);
      const row = await prisma.apiToken.findUniqueOrThrow({ where: { id }, select: { lastUsedAt: true, scope: true } });
      expect(row.lastUsedAt).not.toBeNull();
      await revokeApiToken(id, actor);
      expect(await userForToken(token)).toBeNull();
      expect(await auditActions(id)).toEqual(["token.create", "token.revoke"]);
    }
  });

  it("defaults to the run scope", async () => {
    const { token } = await createApiToken(admin.id, { name: "default" }, actor);
    expect((await userForToken(token))?.tokenScope).toBe("run");
  });
});
