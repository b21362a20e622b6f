// Test support lives in lib/testing only, and production code never reaches it: the Next build bundles
// only what app/ imports, the worker and scripts only what they import, so this scan keeps the stand-in
// runners, servers and helpers out of everything that ships.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const SKIP_DIRS = new Set(["node_modules", ".next", ".git", "generated", "test-results", "playwright-report", ".tmp", "e2e", "data", "workspace"]);
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(root, full);
    if (entry.isDirectory()) {
      if (SKIP_DIRS.has(entry.name) || rel === path.join("lib", "testing")) continue;
      out.push(...productionFiles(full));
    } else if (CODE.test(entry.name) && !/\.test\.[a-z]+$/.test(entry.name) && !/^(vitest|playwright)\.config\./.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

/** Module specifiers a file names: import/export from, import(), require(), and paths handed to a spawned process. */
function reachesTestSupport(source: string, file: string): boolean {
  if (/["'`][^"'`]*\blib\/testing\b[^"'`]*["'`]/.test(source)) return true;
  const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]);
  const testing = path.join(root, "lib", "testing");
  return specifiers.some((s) => s.startsWith(".") && path.resolve(root, path.dirname(file), s).startsWith(testing));
}

describe("test support boundary", () => {
  it("finds the production files it scans (the scan is not vacuous)", () => {
    const files = productionFiles(root);
    expect(files).toEqual(expect.arrayContaining([path.join("lib", "engine", "worker.ts"), path.join("app", "layout.tsx"), "proxy.ts"]));
    expect(files.some((f) => f.startsWith(path.join("lib", "testing")))).toBe(false);
  });

  it("flags each way a file could reach lib/testing", () => {
    expect(reachesTestSupport('import { waitFor } from "@/lib/testing/wait-for";', "lib/x.ts")).toBe(true);
    expect(reachesTestSupport('const m = await import("../testing/engine");', "lib/engine/x.ts")).toBe(true);
    expect(reachesTestSupport('spawn(node, ["lib/testing/worker-process.ts"])', "scripts/x.ts")).toBe(true);
    expect(reachesTestSupport('import { prisma } from "@/lib/db/client";', "lib/x.ts")).toBe(false);
  });

  it("no production file imports lib/testing", () => {
    const offenders = productionFiles(root).filter((file) => reachesTestSupport(fs.readFileSync(path.join(root, file), "utf8"), file));
    expect(offenders).toEqual([]);
  });
});
