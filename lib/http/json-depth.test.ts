import { describe, expect, it } from "vitest";
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from "@/lib/http/json-depth";

const nested = (depth: number) => `${"[".repeat(depth)}0${"]".repeat(depth)}`;

describe("jsonNestsDeeperThan", () => {
  it("counts arrays and objects inside each other, up to the limit and one past it", () => {
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestsDeeperThan(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toBe(true);
    expect(jsonNestsDeeperThan(nested(100_000))).toBe(true);
  });

  it("counts siblings once and ignores brackets inside strings, escaped quotes included", () => {
    expect(jsonNestsDeeperThan(JSON.stringify(Array.from({ length: 1_000 }, () => ({ a: [1, { b: 2 }] }))))).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: "[".repeat(10_000) }))).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: `\\"${"{".repeat(10_000)}` }))).toBe(false);
  });
});
