import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalHash, canonicalJson } from "@/lib/mcp/canonical-hash";
import { buildEntry } from "@/lib/mcp/config";
import { toolHash } from "@/lib/mcp/pins";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("canonicalHash", () => {
  it("sorts keys by code unit at every depth, so key order never changes the hash", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: { z: null, y: "x" } }] })).toBe('{"a":[{"c":{"y":"x","z":null},"d":1}],"b":1}');
    // code-unit order puts "B" before "a"; a locale-aware sort (the hand-written pin hash) did not
    expect(canonicalJson({ a: 1, B: 2 })).toBe('{"B":2,"a":1}');
    expect(canonicalHash({ x: 1, y: 2 })).toBe(canonicalHash({ y: 2, x: 1 }));
  });

  it("refuses a circular value instead of hashing something arbitrary", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalHash(loop)).toThrow();
  });

  it("is the one hash behind tool pins and client server approvals", () => {
    const tool = { name: "t", description: "Deletes", inputSchema: { type: "object" as const, properties: { b: { type: "string" }, B: { type: "string" } } }, annotations: { destructiveHint: true } };
    expect(toolHash(tool)).toBe(sha(canonicalJson({ d: "Deletes", s: tool.inputSchema, a: tool.annotations })));
    const raw = { command: "node", args: ["x.js"], env: { b: "1", A: "2" } };
    expect(buildEntry("srv", raw, "acme", "clients/acme/.mcp.json", { vars: {} }).contentHash).toBe(sha(canonicalJson(raw)));
  });
});
