// STYLE.md rules that a grep can hold: zod schemas live in *.schema.ts beside their domain; the
// environment is read through lib/env.ts.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith(path.join("lib", "generated")));
}

describe("house rules", () => {
  it("keeps zod schemas in *.schema.ts files, never inline in pages, actions or route handlers", () => {
    const inline = [...sourceFiles("app"), ...sourceFiles("components"), ...sourceFiles("lib")]
      .filter((f) => !f.endsWith(".schema.ts") && f !== path.join("lib", "env.ts"))
      .filter((f) => /\bz\.(object|strictObject|array|enum|record|union|string|number)\(/.test(fs.readFileSync(path.join(root, f), "utf8")));
    expect(inline).toEqual([]);
  });

  it("reads environment variables only through lib/env.ts", () => {
    // test harnesses (test-support folders, test-*.ts helpers) set variables for the processes they start
    const isHarness = (f: string) => /(^|\/)(testing|test-support)\/|(^|\/)test-[^/]*\.ts$/.test(f);
    const readers = [...sourceFiles("app"), ...sourceFiles("components"), ...sourceFiles("lib"), "proxy.ts"]
      .filter((f) => f !== path.join("lib", "env.ts") && !isHarness(f))
      .filter((f) => /process\.env\b/.test(fs.readFileSync(path.join(root, f), "utf8")));
    expect(readers).toEqual([]);
  });
});
