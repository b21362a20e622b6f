// The order of lib/ (STYLE.md, "Domains in one order"), held by a scan of every import of every lib file,
// type-only imports and dynamic import() included. Each layer may import only layers below it (and
// itself); an import of a layer above is an arrow back up and fails this test. Top to bottom:
//
//   server-process   the web server's start-up (instrumentation.ts)
//   runtime          the worker, scheduler and MCP pool of a process, their one life cycle
//   operator-mcp     Switchboard's own MCP server (/api/mcp): the Today board, runs, drafts as tools
//   notify           notification channels, notifications.yaml, the sender (the outbox writer is in lib/db)
//   startup          migrate, seed the workspace, the first admin, import client folders
//   actions          the server-action wrapper (session, role, zod, errors)
//   http             the route wrapper, request and response helpers, Host/Origin guards
//   health           what /api/health reports
//   clients          clients, their folders and their spend summary
//   heartbeats       the scheduler, ping URLs, heartbeat status and events
//   engine           runs and steps: queue, worker, state machine, recovery, run pages' reads
//   spend            prices, step cost, budgets
//   agents           agent runners (Claude Code, Codex, model APIs)
//   mcp              MCP config, the pool, tool calls, the gateway
//   drafts           drafts, versions, decisions (the engine continues runs through a handler)
//   pipelines        pipeline files, templates, run inputs
//   workspace        the workspace folder and its paths
//   auth             users, sessions, API tokens, the auth secret
//   audit            the audit log
//   markdown-nesting a bound on Markdown nesting (drafts use it)
//   db               the Prisma client (lib/db/client.ts) and the rest of lib/db/, the generated client (lib/generated)
//   process-group    the one rule for starting and ending a process group (agents, stdio servers)
//   format           fixed-locale numbers, money, durations and times (pages and messages alike)
//   errors           SafeError and friends
//   env              the validated environment
//
// lib/testing (test support) and *.test.ts files are not part of the order: tests drive everything.
// lib never imports app/ or components/.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

const ORDER = [
  "server-process",
  "runtime",
  "operator-mcp",
  "notify",
  "startup",
  "actions",
  "http",
  "health",
  "clients",
  "heartbeats",
  "engine",
  "spend",
  "agents",
  "mcp",
  "drafts",
  "pipelines",
  "workspace",
  "auth",
  "audit",
  "markdown-nesting",
  "db",
  "process-group",
  "format",
  "errors",
  "env",
] as const;

/** Arrows back up that are allowed: none. */
const ALLOWED_UP: { from: string; to: string }[] = [];

/** The layer of a lib path (a file, or an import target without its extension). */
function layerOf(rel: string): string | null {
  const parts = rel.replace(/\.(ts|tsx)$/, "").split("/");
  if (parts[0] !== "lib") return null;
  const top = parts[1];
  if (top === "generated" || top === "db") return "db";
  return top;
}

type Import = { file: string; target: string };

function libFiles(): string[] {
  return fs
    .readdirSync(path.join(root, "lib"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith("lib/generated/") && !f.startsWith("lib/testing/"));
}

/** Every module a file names: import/export ... from (type-only too), side-effect imports, import(). */
function importsIn(source: string, file: string): Import[] {
  const out: Import[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)) {
    let target = m[1];
    if (target.startsWith("@/")) target = target.slice(2);
    else if (target.startsWith(".")) target = path.relative(root, path.resolve(root, path.dirname(file), target));
    else continue;
    out.push({ file, target });
  }
  return out;
}

function allImports(): Import[] {
  return libFiles().flatMap((file) => importsIn(fs.readFileSync(path.join(root, file), "utf8"), file));
}

function arrowsUp(imports: Import[]): string[] {
  const rank = (layer: string) => ORDER.indexOf(layer as (typeof ORDER)[number]);
  return imports
    .filter((i) => {
      const from = layerOf(i.file);
      const to = layerOf(i.target);
      if (!from || !to || from === to) return false;
      return rank(to) < rank(from) && !ALLOWED_UP.some((a) => a.from === i.file && a.to === i.target);
    })
    .map((i) => `${i.file} -> ${i.target}`);
}

describe("the order of lib's layers", () => {
  const imports = allImports();

  it("sees real imports (the scan is not vacuous)", () => {
    expect(imports.length).toBeGreaterThan(300);
    expect(imports).toContainEqual({ file: "lib/engine/worker.ts", target: "lib/engine/execute-run" });
    // a type-only import is seen too
    expect(importsIn('import type { X } from "@/lib/engine/step-types";', "lib/spend/x.ts")).toEqual([{ file: "lib/spend/x.ts", target: "lib/engine/step-types" }]);
    expect(importsIn('const m = await import("../engine/worker");', "lib/mcp/x.ts")).toEqual([{ file: "lib/mcp/x.ts", target: "lib/engine/worker" }]);
  });

  it("places every layer of lib in the order", () => {
    const layers = new Set(libFiles().map((f) => layerOf(f)));
    expect([...layers].filter((l) => l && !ORDER.includes(l as (typeof ORDER)[number]))).toEqual([]);
  });

  it("has no arrow back up, type-only imports included", () => {
    expect(arrowsUp(imports)).toEqual([]);
  });

  it("fails on an arrow back up (the check is not vacuous)", () => {
    expect(arrowsUp([{ file: "lib/mcp/x.ts", target: "lib/engine/run-transitions" }])).toEqual(["lib/mcp/x.ts -> lib/engine/run-transitions"]);
    expect(arrowsUp([{ file: "lib/drafts/x.ts", target: "lib/engine/approvals" }])).toHaveLength(1);
    expect(arrowsUp([{ file: "lib/db/x.ts", target: "lib/env" }])).toEqual([]);
  });

  it("never imports app/ or components/ from lib", () => {
    expect(imports.filter((i) => /^(app|components)\//.test(i.target)).map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });

  it("has no import cycle between two files of lib (type-only imports included)", () => {
    const graph = new Map<string, Set<string>>();
    const files = new Set(libFiles().map((f) => f.replace(/\.(ts|tsx)$/, "")));
    for (const i of imports) {
      const from = i.file.replace(/\.(ts|tsx)$/, "");
      if (!files.has(i.target)) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)?.add(i.target);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, "open");
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, "done");
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it("the engine writes Draft rows only through lib/drafts (open-draft.ts), and decides them through the handler it hands drafts", () => {
    const engine = libFiles().filter((f) => f.startsWith("lib/engine/"));
    const writers = engine.filter((f) => /\bdraft(Version)?\.(create|update|updateMany|upsert|delete|deleteMany)\b|"Draft"/.test(fs.readFileSync(path.join(root, f), "utf8")));
    expect(writers).toEqual([]);
    expect(imports.some((i) => i.file.startsWith("lib/engine/") && i.target === "lib/drafts/open-draft")).toBe(true);
  });
});
