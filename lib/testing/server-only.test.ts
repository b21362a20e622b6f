// STYLE.md: "Server-only modules start with `import "server-only"`", so a client component that reaches one
// fails the build instead of shipping server code (or a secret) to the browser.
//
// The rule: a module of lib/ is server-only when it itself reaches the machine or the server's state: it
// imports a Node built-in (`node:fs`, `node:child_process`, ...), the database (lib/db, the generated Prisma
// client, @prisma/*, better-sqlite3), the environment (lib/env, or reads process.env), the session
// (next/headers, next-auth), or an MCP client transport or model SDK that opens processes and sockets.
// Type-only imports do not count: they vanish at build time. Tests and test support (lib/testing) are
// never bundled and are left out.
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const rel = (file: string) => path.relative(root, file).split(path.sep).join("/");

/** Packages and lib modules whose import makes a module server-only (the list above). */
const SERVER_PACKAGES = [/^@prisma\//, /^better-sqlite3$/, /^next\/headers$/, /^next-auth(\/|$)/, /^@modelcontextprotocol\/sdk\/client\//, /^@anthropic-ai\//, /^openai(\/|$)/];
const SERVER_MODULES = [/^lib\/db(\.ts|\/)/, /^lib\/env\.ts$/, /^lib\/generated\//];
const NODE_BUILTINS = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => rel(path.join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith("lib/generated/"));
}

/** The module specifiers a file imports at run time (`import type` and `export type` left out). */
function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?["']([^"']+)["']/gm)) if (!m[1]) out.push(m[2]);
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]);
  return out;
}

/** A specifier as a file of the repository (`lib/x.ts`), or the bare package name when it is not one. */
function resolve(from: string, spec: string): { file: string } | { pkg: string } {
  let base: string | null = null;
  if (spec.startsWith("@/")) base = spec.slice(2);
  else if (spec.startsWith(".")) base = rel(path.resolve(root, path.dirname(from), spec));
  if (base === null) return { pkg: spec };
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return { file: candidate };
  }
  return { file: base };
}

const text = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const isMarked = (file: string) => /^import\s+["']server-only["'];?\s*$/m.test(text(file));

/** Why a module is server-only by the rule above, or null. */
function serverReason(file: string): string | null {
  const source = text(file);
  if (/\bprocess\.env\b/.test(source)) return "reads process.env";
  for (const spec of runtimeImports(source)) {
    const target = resolve(file, spec);
    if ("pkg" in target) {
      if (target.pkg.startsWith("node:") || NODE_BUILTINS.has(target.pkg)) return `imports ${target.pkg}`;
      if (SERVER_PACKAGES.some((p) => p.test(target.pkg))) return `imports ${target.pkg}`;
    } else if (SERVER_MODULES.some((p) => p.test(target.file))) return `imports ${target.file}`;
  }
  return null;
}

const libModules = sourceFiles("lib").filter((f) => !f.startsWith("lib/testing/"));

/**
 * Server-only modules not marked yet: the tree-wide pass adds the line to each after the branches of
 * issue 22 merge (one pass, not a conflict in every branch), then empties this list. Nothing is added to it.
 */
const NOT_YET_MARKED: string[] = [];

describe("server-only modules", () => {
  it('start with import "server-only" when they reach the database, the environment, the machine or the network', () => {
    const unmarked = libModules.filter((f) => !isMarked(f) && serverReason(f) !== null);
    const missing = unmarked.filter((f) => !NOT_YET_MARKED.includes(f)).map((f) => `${f} (${serverReason(f)})`);
    expect(missing, 'add `import "server-only";` after the header comment of each').toEqual([]);
    // the list only shrinks: a module marked (or moved, or no longer server-only) leaves it
    expect(
      NOT_YET_MARKED.filter((f) => !unmarked.includes(f)),
      "remove these from NOT_YET_MARKED",
    ).toEqual([]);
  });

  it("are never reached from a client component's imports", () => {
    const isServerOnly = (f: string) => f.startsWith("lib/") && !f.startsWith("lib/testing/") && (isMarked(f) || serverReason(f) !== null);
    const clientFiles = [...sourceFiles("app"), ...sourceFiles("components")].filter((f) => /^(\s*\/\/[^\n]*\n)*\s*["']use client["']/.test(text(f)));
    expect(clientFiles.length).toBeGreaterThan(10);
    const reached: string[] = [];
    for (const start of clientFiles) {
      // breadth first through the repository's own modules, recording the path to each
      const via = new Map<string, string>([[start, start]]);
      const queue = [start];
      while (queue.length > 0) {
        const file = queue.shift() as string;
        // a "use server" module is a boundary: the browser gets references to its actions, not its code
        if (!fs.existsSync(path.join(root, file)) || (file !== start && /^(\s*\/\/[^\n]*\n)*\s*["']use server["']/.test(text(file)))) continue;
        for (const spec of runtimeImports(text(file))) {
          const target = resolve(file, spec);
          if (!("file" in target) || via.has(target.file)) continue;
          via.set(target.file, `${via.get(file)} -> ${target.file}`);
          if (isServerOnly(target.file)) reached.push(via.get(target.file) as string);
          else queue.push(target.file);
        }
      }
    }
    expect(reached).toEqual([]);
  });

  it("the rule sees through the import forms the tree uses", () => {
    expect(runtimeImports('import fs from "node:fs";\nimport type { A } from "@/lib/db/client";\nexport { b } from "./b";\nimport "server-only";\nconst c = await import("@/lib/c");')).toEqual([
      "node:fs",
      "./b",
      "server-only",
      "@/lib/c",
    ]);
    expect(runtimeImports('import {\n  prisma,\n  type Sqlite,\n} from "@/lib/db/client";')).toEqual(["@/lib/db/client"]);
  });
});
