import { describe, expect, it } from "vitest";
import { runDateBound } from "@/lib/engine/run-dates";

describe("runDateBound", () => {
  it("makes a day a whole UTC day: from its start, to the start of the next", () => {
    expect(runDateBound("2026-03-01", "from")).toEqual(new Date("2026-03-01T00:00:00.000Z"));
    expect(runDateBound("2026-03-01", "to")).toEqual(new Date("2026-03-02T00:00:00.000Z"));
    expect(runDateBound("2026-12-31", "to")).toEqual(new Date("2027-01-01T00:00:00.000Z"));
  });

  it("keeps an ISO time or a Date as the exact instant", () => {
    expect(runDateBound("2026-03-01T09:30:00Z", "to")).toEqual(new Date("2026-03-01T09:30:00Z"));
    const at = new Date("2026-03-01T09:30:00Z");
    expect(runDateBound(at, "from")).toBe(at);
  });

  it("leaves blank unbounded and hands anything else back for the schema to refuse", () => {
    expect(runDateBound("", "from")).toBeUndefined();
    expect(runDateBound(null, "to")).toBeUndefined();
    expect(runDateBound("2026-02-30", "to")).toBe("2026-02-30");
    expect(runDateBound("next tuesday", "from")).toBe("next tuesday");
    expect(runDateBound("1700000000000", "from")).toBe("1700000000000");
  });
});
