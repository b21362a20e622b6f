// /proc is read in one place (processTable in lib/testing/processes.ts), so every check of children,
// process groups, command lines and environments parses it the same way.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isRunning, processTable } from "@/lib/testing/processes";

const root = path.resolve(import.meta.dirname, "../..");
const SKIP = new Set(["node_modules", ".next", ".git", "generated", "test-results", "playwright-report", "data", "workspace"]);

function codeFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : codeFiles(rel);
    return /\.(ts|tsx|mjs|js)$/.test(e.name) ? [rel] : [];
  });
}

describe("processTable", () => {
  it("shows this process with its parent, group, state and command line; its environment when asked", () => {
    const [me] = processTable({ pids: [process.pid], environ: true });
    expect(me).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(me.cmdline).toContain("node");
    expect(me.environ).toContain("PATH=");
    expect(processTable().some((p) => p.pid === process.pid)).toBe(true);
    expect(isRunning(process.pid)).toBe(true);
  });

  it("is the only reader of /proc in the code and tests", () => {
    const readers = ["lib", "scripts", "e2e", "app", "components"]
      .flatMap(codeFiles)
      .filter((f) => f !== path.join("lib", "testing", "processes.ts") && f !== path.join("lib", "testing", "processes.test.ts"))
      .filter((f) => /["'`]\/proc\//.test(fs.readFileSync(path.join(root, f), "utf8")));
    expect(readers).toEqual([]);
  });
});
