// Test support for recipes/<name>/: copies a recipe into the test's workspace as an operator would
// (its mcp.json entries merged into the workspace's mcp.json, its pipelines into pipelines/), unchanged.
import fs from "node:fs";
import path from "node:path";
import { workspaceDir } from "@/lib/env";

export const RECIPES_DIR = path.resolve("recipes");

export function recipeFile(recipe: string, relative: string): string {
  return fs.readFileSync(path.join(RECIPES_DIR, recipe, relative), "utf8");
}

/** Every recipe folder (those with an mcp.json or a pipelines folder). */
export function listRecipes(): string[] {
  return fs
    .readdirSync(RECIPES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && (fs.existsSync(path.join(RECIPES_DIR, e.name, "mcp.json")) || fs.existsSync(path.join(RECIPES_DIR, e.name, "pipelines"))))
    .map((e) => e.name)
    .sort();
}

/** Copies the recipe's pipelines and merges its mcp.json entries into the workspace's; returns the pipeline slugs. */
export function installRecipe(recipe: string, root = workspaceDir()): string[] {
  const dir = path.join(RECIPES_DIR, recipe);
  const target = path.join(root, "mcp.json");
  const existing = fs.existsSync(target) ? (JSON.parse(fs.readFileSync(target, "utf8")) as { mcpServers?: Record<string, unknown> }) : {};
  const added = JSON.parse(fs.readFileSync(path.join(dir, "mcp.json"), "utf8")) as { mcpServers: Record<string, unknown> };
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(target, JSON.stringify({ mcpServers: { ...existing.mcpServers, ...added.mcpServers } }, null, 2));
  const slugs: string[] = [];
  fs.mkdirSync(path.join(root, "pipelines"), { recursive: true });
  for (const file of fs.readdirSync(path.join(dir, "pipelines")).sort()) {
    if (!file.endsWith(".yaml")) continue;
    fs.copyFileSync(path.join(dir, "pipelines", file), path.join(root, "pipelines", file));
    slugs.push(file.replace(/\.yaml$/, ""));
  }
  return slugs.sort();
}
