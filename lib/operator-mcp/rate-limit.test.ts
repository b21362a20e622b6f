import { describe, expect, it } from "vitest";
import { takeRateToken } from "@/lib/operator-mcp/rate-limit";

describe("takeRateToken", () => {
  it("allows `limit` a minute per key, says when to come back, and opens a new window after a minute", () => {
    const key = `k-${Math.random()}`;
    const t0 = 1_000_000;
    expect(takeRateToken(key, 2, t0)).toEqual({ ok: true });
    expect(takeRateToken(key, 2, t0 + 1)).toEqual({ ok: true });
    expect(takeRateToken(key, 2, t0 + 20_000)).toEqual({ ok: false, limit: 2, retryAfterSeconds: 40 });
    expect(takeRateToken(`other-${key}`, 2, t0 + 20_000)).toEqual({ ok: true });
    expect(takeRateToken(key, 2, t0 + 60_000)).toEqual({ ok: true });
  });
});
