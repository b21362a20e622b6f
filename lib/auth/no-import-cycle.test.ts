// lib/http builds on lib/auth (the route wrapper asks who is calling); lib/auth must not reach back.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");

function importsOf(folder: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  for (const entry of fs.readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|tsx)$/.test(entry.name) || entry.name.endsWith(".test.ts")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)) {
      let target = m[1];
      if (target.startsWith("@/")) target = target.slice(2);
      else if (target.startsWith(".")) target = path.relative(root, path.resolve(path.dirname(file), target));
      else continue;
      out.push({ file: path.relative(root, file), target });
    }
  }
  return out;
}

const reaches = (from: string, to: string) => importsOf(from).filter((i) => i.target === to || i.target.startsWith(`${to}/`));

describe("no import cycle between lib/auth and lib/http", () => {
  it("lib/http may import lib/auth, and lib/auth imports nothing from lib/http", () => {
    expect(reaches("lib/auth", "lib/http")).toEqual([]);
  });

  it("the check sees real imports (it is not vacuous)", () => {
    expect(reaches("lib/http", "lib/auth").length).toBeGreaterThan(0);
  });
});
