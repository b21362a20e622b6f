// What a model call holds before it is made: its step's previous call's cost, or for a first call its
// request's size at the input price; nothing for a model with no price (refused earlier under a USD budget).
import { describe, expect, it } from "vitest";
import { costOf } from "@/lib/spend/prices";
import { modelCallEstimate } from "@/lib/spend/reservations";

const PRICE = { model: "m", inputUsdPerMTok: 3, outputUsdPerMTok: 15, cacheReadUsdPerMTok: 0.3, cacheWriteUsdPerMTok: 3.75 };

describe("modelCallEstimate", () => {
  it("holds the previous call's cost once the step has made one, without measuring the request", () => {
    const previous = { inputTokens: 1_000, outputTokens: 200, cacheReadTokens: 500, cacheWriteTokens: 100 };
    const measure = () => {
      throw new Error("measured");
    };
    expect(modelCallEstimate(PRICE, previous, measure)).toBeCloseTo(costOf(previous, PRICE), 15);
  });

  it("holds a first call's request at the input price, a token for every three characters", () => {
    expect(modelCallEstimate(PRICE, null, () => 3_001)).toBeCloseTo((1_001 * 3) / 1_000_000, 15);
  });

  it("holds nothing for a model with no price", () => {
    expect(modelCallEstimate(null, null, () => 10_000)).toBe(0);
  });
});
