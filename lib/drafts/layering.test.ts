// lib/engine and lib/drafts depend one way: the engine opens and closes drafts through lib/drafts
// (open-draft.ts), and drafts reach the engine only through the decision handler their caller passes
// in (the engine's applyDraftDecision). An import of lib/engine from lib/drafts would close a cycle.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

function importsOf(folder: string): { file: string; target: string }[] {
  const dir = path.resolve("lib", folder);
  return fs
    .readdirSync(dir)
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !/test-helpers|test-worker/.test(f))
    .flatMap((f) => {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      return [...text.matchAll(/(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => ({ file: `lib/${folder}/${f}`, target: m[1] ?? m[2] }));
    });
}

describe("lib/engine and lib/drafts", () => {
  it("lib/drafts imports nothing from lib/engine (not even a type)", () => {
    const drafts = importsOf("drafts");
    expect(drafts.length).toBeGreaterThan(5);
    expect(drafts.filter((i) => i.target.startsWith("@/lib/engine"))).toEqual([]);
  });

  it("the engine writes Draft rows only through lib/drafts", () => {
    const engineFiles = fs.readdirSync(path.resolve("lib/engine")).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    const writers = engineFiles.filter((f) => /\bdraft(Version)?\.(create|update|updateMany|upsert|delete|deleteMany)\b|"Draft"/.test(fs.readFileSync(path.resolve("lib/engine", f), "utf8")));
    expect(writers).toEqual([]);
    expect(importsOf("engine").some((i) => i.target === "@/lib/drafts/open-draft")).toBe(true);
  });
});
