import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/next-path";

describe("safeNextPath (after sign-in, same-origin paths only)", () => {
  it("keeps paths on this site", () => {
    expect(safeNextPath("/runs")).toBe("/runs");
    expect(safeNextPath("/runs/abc?status=failed#steps")).toBe("/runs/abc?status=failed#steps");
    expect(safeNextPath("/clients/acme")).toBe("/clients/acme");
  });

  it("sends everything that could leave the site to /", () => {
    const hostile = [
      "//evil.example",
      "/\\evil.example", // what /login?next=/%5Cevil.example decodes to
      "\\\\evil.example",
      "/%5Cevil.example".replace("%5C", "\\"),
      "https://evil.example",
      "http:evil.example",
      "javascript:alert(1)",
      "/\t/evil.example",
      "/\n/evil.example",
      "/.//evil.example",
      "/./\\evil.example",
      "///evil.example",
      "evil.example",
      "",
      " /runs",
    ];
    for (const next of hostile) {
      const result = safeNextPath(next);
      expect(result, next).toBe("/");
    }
  });

  it("keeps encoded slashes as the literal path they are (no second decoding)", () => {
    // the router gets `/%2F%2Fevil.example`: a path on this site that does not exist, never a host
    expect(safeNextPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeNextPath("/%5Cevil.example")).toBe("/%5Cevil.example");
    expect(new URL(safeNextPath("/%2F%2Fevil.example"), "http://localhost:3000").host).toBe("localhost:3000");
  });

  it("returns / for missing or absurd values", () => {
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(`/${"a".repeat(5000)}`)).toBe("/");
  });
});
