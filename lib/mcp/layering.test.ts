// lib/mcp sits below the engine, agents, spend and heartbeats (STYLE.md: heartbeats -> engine -> spend,
// agents -> mcp, drafts -> pipelines -> workspace, db -> env): it knows servers, tools and calls, never a
// run's tables or the engine's tokens. The gateway learns which step a token names from a resolver the
// route passes in (lib/engine/gateway-tokens.ts). An import back up, even of a type, fails here.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ABOVE_MCP = ["@/lib/engine", "@/lib/agents", "@/lib/spend", "@/lib/heartbeats"];

function sources(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    if (!/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) return [];
    return [{ file: path.relative(process.cwd(), full), text: fs.readFileSync(full, "utf8") }];
  });
}

function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
}

describe("lib/mcp's place in the order", () => {
  const files = sources(path.resolve("lib/mcp"));

  it("imports nothing from a domain above it", () => {
    expect(files.length).toBeGreaterThan(10);
    const upward = files.flatMap(({ file, text }) =>
      importsOf(text)
        .filter((t) => ABOVE_MCP.some((d) => t === d || t.startsWith(`${d}/`)))
        .map((t) => `${file} -> ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it("never reads a run's tables: the engine's step lookup does", () => {
    const readers = files.filter(({ text }) => /prisma\.(run|runStep|runEvent)\./.test(text) || /FROM "(Run|RunStep|RunEvent)"/.test(text)).map((f) => f.file);
    expect(readers).toEqual([]);
  });

  it("would catch an arrow back up (the scan is not vacuous)", () => {
    expect(importsOf('import { gatewayTokenHash } from "@/lib/engine/gateway-tokens";')).toEqual(["@/lib/engine/gateway-tokens"]);
    expect(importsOf('import type { StepContext } from "@/lib/engine/execute-step";')).toEqual(["@/lib/engine/execute-step"]);
  });
});
