// The first-admin form works without a session, so anyone who reaches it may call it: once a user exists,
// a call costs one count and never a password hash (scrypt: about 16 MB and tens of milliseconds each).
import { describe, expect, it, vi } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { createFirstAdmin } from "@/lib/auth/users";

vi.mock("@/lib/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/password")>();
  return { ...real, hashPassword: vi.fn(real.hashPassword) };
});

describe("createFirstAdmin once an admin exists", () => {
  it("answers null without hashing the password", async () => {
    expect(await createFirstAdmin({ email: "first@example.com", password: "long-enough-password" })).toMatchObject({ role: "admin" });
    expect(hashPassword).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3; i++) expect(await createFirstAdmin({ email: `later${i}@example.com`, password: "long-enough-password" })).toBeNull();
    expect(hashPassword).toHaveBeenCalledTimes(1);
  });
});
