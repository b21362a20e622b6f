// STYLE.md rules that a grep can hold: zod schemas live in *.schema.ts beside their domain.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
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
});
