import { describe, expect, it } from "vitest";
import { isAllowedHost, isCrossSiteWrite } from "@/lib/http/guard";

const h = (init: Record<string, string>) => new Headers(init);

describe("isAllowedHost (DNS rebinding)", () => {
  it("allows localhost names, 127.0.0.1 and the configured public host only", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "localhost"]) expect(isAllowedHost(host, undefined)).toBe(true);
    expect(isAllowedHost("switchboard.agency.example", "https://switchboard.agency.example")).toBe(true);
    for (const host of ["attacker.example", "127.0.0.1.nip.io", "evil.localhost.example", ""]) expect(isAllowedHost(host, "https://switchboard.agency.example")).toBe(false);
    expect(isAllowedHost(null, undefined)).toBe(false);
  });
});

describe("isCrossSiteWrite (CSRF)", () => {
  it("refuses a cookie write from another origin, a null origin, or a cross-site fetch", () => {
    expect(isCrossSiteWrite("POST", h({ host: "localhost:3000", origin: "http://evil.example", cookie: "s=1" }))).toBe(true);
    expect(isCrossSiteWrite("POST", h({ host: "localhost:3000", origin: "null", cookie: "s=1" }))).toBe(true);
    expect(isCrossSiteWrite("PUT", h({ host: "localhost:3000", "sec-fetch-site": "cross-site", cookie: "s=1" }))).toBe(true);
  });
  it("allows same-origin writes, reads, and bearer-token calls without cookies", () => {
    expect(isCrossSiteWrite("POST", h({ host: "localhost:3000", origin: "http://localhost:3000", cookie: "s=1" }))).toBe(false);
    expect(isCrossSiteWrite("GET", h({ host: "localhost:3000", origin: "http://evil.example" }))).toBe(false);
    expect(isCrossSiteWrite("POST", h({ host: "localhost:3000", origin: "http://evil.example", authorization: "Bearer sb_x" }))).toBe(false);
    // a bearer header does not excuse a cookie request
    expect(isCrossSiteWrite("POST", h({ host: "localhost:3000", origin: "http://evil.example", authorization: "Bearer x", cookie: "s=1" }))).toBe(true);
  });
});
