import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import table from "@/lib/security/min-versions.json";

function installed(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.resolve("node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

/** -1, 0 or 1, comparing major.minor.patch (a prerelease counts as below its release). */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split("-", 2);
    return { nums: core.split(".").map((n) => Number.parseInt(n, 10) || 0), pre: pre ?? null };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if ((x.nums[i] ?? 0) !== (y.nums[i] ?? 0)) return (x.nums[i] ?? 0) < (y.nums[i] ?? 0) ? -1 : 1;
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

describe("installed framework versions", () => {
  it("compares versions the way the table needs", () => {
    expect(compareVersions("16.0.9", "16.0.10")).toBe(-1);
    expect(compareVersions("16.4.6", "16.0.10")).toBe(1);
    expect(compareVersions("19.2.3-canary", "19.2.3")).toBe(-1);
    expect(compareVersions("19.2.3", "19.2.3")).toBe(0);
  });

  for (const [pkg, minimum] of Object.entries(table).filter(([k]) => k !== "//")) {
    it(`${pkg} is at or above ${minimum}`, () => {
      expect(compareVersions(installed(pkg), minimum), `${pkg} ${installed(pkg)} < ${minimum}`).toBeGreaterThanOrEqual(0);
    });
  }

  it("the RSC server runtime is the one bundled with the checked next", () => {
    const bundled = path.resolve("node_modules/next/dist/compiled/react-server-dom-webpack/package.json");
    expect(fs.existsSync(bundled)).toBe(true);
    // a separately installed react-server-dom-* would bypass the table above
    for (const pkg of ["react-server-dom-webpack", "react-server-dom-turbopack"]) {
      if (fs.existsSync(path.resolve("node_modules", pkg, "package.json"))) expect(compareVersions(installed(pkg), table.react)).toBeGreaterThanOrEqual(0);
    }
  });
});
