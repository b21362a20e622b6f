import { describe, expect, it } from "vitest";
import { decodeCursor, decodeOptionalCursor, encodeCursor, olderThan, toPage } from "@/lib/db/cursor";
import { SafeError } from "@/lib/errors";
import { errorToResponse } from "@/lib/http/response";

const at = new Date("2026-03-04T05:06:07.089Z");

describe("cursor codec", () => {
  it("round-trips a keyset position, with and without a section", () => {
    expect(decodeCursor(encodeCursor({ createdAt: at, id: "run_1" }))).toEqual({ createdAt: at, id: "run_1" });
    expect(decodeCursor(encodeCursor({ createdAt: at, id: "d2", section: "pending" }))).toEqual({ createdAt: at, id: "d2", section: "pending" });
    expect(decodeOptionalCursor(null)).toBeNull();
    expect(decodeOptionalCursor("")).toBeNull();
  });

  it("makes cursors that are safe in a query string", () => {
    const raw = encodeCursor({ createdAt: at, id: "a/b+c=d", section: "décidé" });
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw).id).toBe("a/b+c=d");
  });

  const b64 = (v: string) => Buffer.from(v).toString("base64url");
  it.each([
    ["garbage with spaces", "not a cursor"],
    ["not JSON", b64("{nope")],
    ["a JSON array", b64(JSON.stringify(["2026-01-01T00:00:00Z", "x"]))],
    ["no id", b64(JSON.stringify({ t: at.toISOString() }))],
    ["an empty id", b64(JSON.stringify({ t: at.toISOString(), id: "" }))],
    ["a bad date", b64(JSON.stringify({ t: "yesterday-ish", id: "x" }))],
    ["a numeric section", b64(JSON.stringify({ t: at.toISOString(), id: "x", s: 1 }))],
    ["a huge value", "A".repeat(5000)],
  ])("refuses %s with a clear 400", async (_what, raw) => {
    let thrown: unknown;
    try {
      decodeCursor(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SafeError);
    const res = errorToResponse(thrown);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/^Invalid cursor: pass the nextCursor/) });
  });
});

describe("keyset helpers", () => {
  it("pages rows read with limit + 1 and points the cursor at the last row shown", () => {
    const rows = [3, 2, 1].map((n) => ({ id: `r${n}`, createdAt: new Date(at.getTime() + n), status: n > 1 ? "pending" : "approved" }));
    const page = toPage(rows, 2, (last) => last.status);
    expect(page.items.map((r) => r.id)).toEqual(["r3", "r2"]);
    expect(decodeCursor(page.nextCursor!)).toEqual({ createdAt: rows[1].createdAt, id: "r2", section: "pending" });
    expect(toPage(rows, 3).nextCursor).toBeNull();
  });

  it("asks for rows strictly after the cursor, ties broken by id", () => {
    expect(olderThan(null)).toEqual({});
    expect(olderThan({ createdAt: at, id: "m" })).toEqual({
      AND: [{ createdAt: { lte: at } }, { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: "m" } }] }],
    });
  });
});
