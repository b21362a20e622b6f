// First start: the workspace is created from the bundled demo workspace when missing.
import "server-only";
import fs from "node:fs";
import path from "node:path";

function demoWorkspaceDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), "demo-workspace");
}

/** Copies the demo workspace into `target` when `target` does not exist. Returns whether it did. */
export function ensureWorkspace(target: string, demo = demoWorkspaceDir()): boolean {
  if (fs.existsSync(target)) return false;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(demo, target, { recursive: true, errorOnExist: false, force: false });
  fs.mkdirSync(path.join(target, "clients"), { recursive: true });
  return true;
}
