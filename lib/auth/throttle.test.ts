import { describe, expect, it } from "vitest";
import { createFirstAdmin, createUser, authenticate, countUsers, ensureAdminFromEnv } from "@/lib/auth/users";
import { delayAfter } from "@/lib/auth/throttle";
import { prisma } from "@/lib/db/client";

describe("sign-in throttling", () => {
  it("50 wrong passwords are slowed down; the right password works once the wait is over", async () => {
    await prisma.user.deleteMany();
    await createFirstAdmin({ email: "owner@example.com", password: "the-right-password" });
    const start = new Date("2026-01-01T00:00:00Z");
    let now = start;
    let throttled = 0;
    let lastWait = 0;
    for (let i = 0; i < 50; i++) {
      const r = await authenticate({ email: "owner@example.com", password: `wrong-${i}` }, "203.0.113.7", now);
      if (!r.ok && r.reason === "throttled") {
        throttled += 1;
        lastWait = r.waitMs ?? 0;
        now = new Date(now.getTime() + (r.waitMs ?? 0)); // the guesser waits as told
      }
    }
    expect(throttled).toBeGreaterThan(0);
    expect(lastWait).toBeGreaterThanOrEqual(60_000);
    // one more guess starts a new wait; even the right password is refused while it runs...
    expect((await authenticate({ email: "owner@example.com", password: "wrong-again" }, "203.0.113.7", now)).ok).toBe(false);
    const early = await authenticate({ email: "owner@example.com", password: "the-right-password" }, "198.51.100.1", now);
    expect(early).toMatchObject({ ok: false, reason: "throttled" });
    // ...and accepted after it
    const later = new Date(now.getTime() + 10 * 60_000);
    const ok = await authenticate({ email: "owner@example.com", password: "the-right-password" }, "198.51.100.1", later);
    expect(ok.ok).toBe(true);
  });

  it("slows an address that guesses many accounts", async () => {
    const now = new Date("2026-02-01T00:00:00Z");
    let throttled = false;
    for (let i = 0; i < 8; i++) {
      const r = await authenticate({ email: `nobody${i}@example.com`, password: "x" }, "192.0.2.99", now);
      if (!r.ok && r.reason === "throttled") throttled = true;
    }
    expect(throttled).toBe(true);
  });

  it("concurrent wrong guesses cannot outrun the count: at most the free attempts reach the password check", async () => {
    const email = `race-${Math.random().toString(36).slice(2)}@example.com`;
    await createUser({ email, password: "the-right-password", role: "operator" }, { label: "test" });
    const now = new Date("2026-03-01T00:00:00Z");
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => authenticate({ email, password: `wrong-${i}` }, `198.18.0.${i}`, now)));
    const checked = results.filter((r) => !r.ok && r.reason === "invalid").length;
    const throttled = results.filter((r) => !r.ok && r.reason === "throttled").length;
    // five free failures; the fifth sets the first wait, so every later attempt is refused before any hashing
    expect(checked).toBe(5);
    expect(throttled).toBe(15);
    const row = await prisma.loginThrottle.findUniqueOrThrow({ where: { key: `email:${email}` } });
    expect(row.failures).toBe(5);
    // after the wait the right password works and clears the account's count
    const later = new Date(now.getTime() + 10 * 60_000);
    expect((await authenticate({ email, password: "the-right-password" }, "198.18.1.1", later)).ok).toBe(true);
    expect(await prisma.loginThrottle.findUnique({ where: { key: `email:${email}` } })).toBeNull();
  });

  it("a successful sign-in does not count against its address", async () => {
    const email = `ok-${Math.random().toString(36).slice(2)}@example.com`;
    await createUser({ email, password: "the-right-password", role: "operator" }, { label: "test" });
    const now = new Date("2026-04-01T00:00:00Z");
    for (let i = 0; i < 8; i++) {
      expect((await authenticate({ email, password: "the-right-password" }, "198.18.2.2", now)).ok).toBe(true);
    }
    const row = await prisma.loginThrottle.findUnique({ where: { key: "ip:198.18.2.2" } });
    expect(row?.failures ?? 0).toBe(0);
  });

  it("grows the delay and caps it", () => {
    expect(delayAfter(4)).toBe(0);
    expect(delayAfter(6)).toBeGreaterThan(delayAfter(5));
    expect(delayAfter(500)).toBe(5 * 60_000);
  });
});

describe("the first admin", () => {
  it("two submissions at once on a fresh install make exactly one admin", async () => {
    await prisma.user.deleteMany();
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => createFirstAdmin({ email: `admin${i}@example.com`, password: "long-enough-password" })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await countUsers()).toBe(1);
    expect(await ensureAdminFromEnv("late@example.com", "long-enough-password")).toBe("exists");
    expect(await countUsers()).toBe(1);
  });

  it("stores only a scrypt hash", async () => {
    const row = await prisma.user.findFirstOrThrow({ select: { passwordHash: true } });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain("long-enough-password");
  });
});
