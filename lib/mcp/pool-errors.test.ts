// The pool is shared on globalThis by route bundles that each have their own copy of lib/mcp/pool.ts, so
// an error it throws must be recognised by any copy's class, not only by the one that made it.
import { describe, expect, it } from "vitest";
import { McpUnavailableError } from "@/lib/mcp/pool";

describe("McpUnavailableError", () => {
  it("is recognised across module copies by its global mark, and nothing else is", () => {
    const own = new McpUnavailableError('Could not start "remote"');
    // what another bundle's copy of the class makes: a different class carrying the same global mark
    const mark: unique symbol = Symbol.for("switchboard.McpUnavailableError") as never;
    class OtherCopy extends Error {
      readonly [mark] = true;
    }
    expect(own instanceof McpUnavailableError).toBe(true);
    expect(new OtherCopy("Could not start") instanceof McpUnavailableError).toBe(true);
    expect(new Error("Could not start") instanceof McpUnavailableError).toBe(false);
    expect((null as unknown as object) instanceof McpUnavailableError).toBe(false);
  });
});
