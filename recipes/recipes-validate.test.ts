// Each recipe as the project loads it: its mcp.json through the workspace loader (every entry starts
// once the variables its README names are set, and names nothing else), its pipelines through the
// pipeline loader (valid, schedules included), and every <server>/<tool> they reference listed by the
// real server, started from the entry exactly as resolved.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { workspaceDir } from "@/lib/env";
import { loadGlobalServers } from "@/lib/mcp/config";
import { listPipelines } from "@/lib/pipelines/load-pipelines";
import { RECIPES_DIR, recipeFile } from "@/lib/testing/recipes";

// the recipes of this suite and the variables each README says to set
const RECIPES: Record<string, Record<string, string>> = {
  "helpdesk-replies": { FREESCOUT_URL: "http://127.0.0.1:9", FREESCOUT_API_KEY: "fs-test-key", FREESCOUT_USER_ID: "1" },
  "site-check": {},
};

const clients: Client[] = [];
afterAll(async () => {
  for (const c of clients) await c.close();
});

function referencedTools(recipe: string): string[] {
  const refs = new Set<string>();
  for (const entry of listPipelines(path.join(RECIPES_DIR, recipe))) {
    for (const step of entry.definition?.steps ?? []) {
      if (step.tool) refs.add(step.tool);
      for (const t of step.agent?.tools ?? []) refs.add(t);
    }
    if (entry.definition?.schedule?.when) refs.add(entry.definition.schedule.when.tool);
  }
  return [...refs].sort();
}

describe("recipes validate with the project's loaders", () => {
  fs.mkdirSync(path.join(workspaceDir(), "clients"), { recursive: true });

  for (const [recipe, vars] of Object.entries(RECIPES)) {
    it(`${recipe}: its README names each variable, its pipelines are valid, and each tool they use is listed by its server`, { timeout: 120_000 }, async () => {
      const readme = recipeFile(recipe, "README.md");
      for (const name of Object.keys(vars)) expect(readme).toContain(name);
      const mcpText = recipeFile(recipe, "mcp.json");
      const named = [...mcpText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)].filter((m) => !m[2] && !m[1].startsWith("SWITCHBOARD_")).map((m) => m[1]);
      expect([...new Set(named)].sort()).toEqual(Object.keys(vars).sort());

      Object.assign(process.env, vars);
      const { entries, fileError } = loadGlobalServers(path.join(RECIPES_DIR, recipe));
      expect(fileError).toBeUndefined();
      expect(entries.map((e) => [e.name, e.state, e.error ?? null])).toEqual(entries.map((e) => [e.name, "ok", null]));

      const pipelines = listPipelines(path.join(RECIPES_DIR, recipe));
      expect(pipelines.length).toBeGreaterThan(0);
      for (const p of pipelines) expect({ slug: p.slug, errors: p.errors }).toEqual({ slug: p.slug, errors: [] });

      const listed = new Set<string>();
      for (const entry of entries) {
        const resolved = entry.resolved;
        if (resolved?.transport !== "stdio") throw new Error(`${entry.name} is not a stdio server`);
        for (const arg of resolved.args.filter((a) => /\.(m?js)$/.test(a))) expect(fs.existsSync(arg), `${entry.name}: ${arg}`).toBe(true);
        const client = new Client({ name: "recipe-check", version: "1.0.0" });
        await client.connect(new StdioClientTransport({ command: resolved.command, args: resolved.args, env: { ...getDefaultEnvironment(), ...resolved.env }, stderr: "pipe" }));
        clients.push(client);
        for (const tool of (await client.listTools()).tools) listed.add(`${entry.name}/${tool.name}`);
      }
      const refs = referencedTools(recipe);
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.filter((r) => !listed.has(r))).toEqual([]);
    });
  }
});
