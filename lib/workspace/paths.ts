// Every file path Switchboard touches is resolved here and must stay inside the workspace, symlinks included.
import fs from "node:fs";
import path from "node:path";
import { workspaceDir } from "@/lib/env";
import { SafeError } from "@/lib/errors";

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value);
}

function assertSlug(value: string, what = "slug"): string {
  if (!isSlug(value)) {
    throw new SafeError(`Invalid ${what} "${value.slice(0, 80)}": use lowercase letters, digits and dashes (at most 63), starting with a letter or digit`);
  }
  return value;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The deepest existing ancestor of p, resolved through symlinks. */
function realpathOfExisting(p: string): string {
  let current = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), path.relative(current, p));
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      current = parent;
    }
  }
}

/**
 * Resolves a path relative to the workspace and refuses anything that leaves it: `..`, absolute paths,
 * encoded dots that were decoded upstream, and symlinks that point outside.
 */
export function resolveInWorkspace(relative: string, root = workspaceDir()): string {
  if (relative.includes("\0")) throw new SafeError("Invalid path");
  const resolved = path.resolve(root, relative);
  if (path.isAbsolute(relative) || !isInside(root, resolved)) throw new SafeError(`Path "${relative.slice(0, 120)}" is outside the workspace`);
  const realRoot = realpathOfExisting(root);
  if (!isInside(realRoot, realpathOfExisting(resolved))) throw new SafeError(`Path "${relative.slice(0, 120)}" leads outside the workspace`);
  return resolved;
}

export function clientFolder(slug: string, root = workspaceDir()): string {
  return resolveInWorkspace(path.join("clients", assertSlug(slug, "client slug")), root);
}

/** Reads a workspace file, refusing a size over the limit. */
export function readWorkspaceFile(relative: string, maxBytes: number): string {
  const file = resolveInWorkspace(relative);
  const stat = fs.statSync(file);
  if (stat.size > maxBytes) throw new SafeError(`${relative} is ${stat.size} bytes; the limit is ${maxBytes}`);
  return fs.readFileSync(file, "utf8");
}

/** Writes atomically (temp file + rename) and never through a symlink. */
export function writeWorkspaceFile(relative: string, content: string): void {
  const file = resolveInWorkspace(relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    if (fs.lstatSync(file).isSymbolicLink()) throw new SafeError(`${relative} is a symlink; Switchboard does not write through links`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o644 });
  fs.renameSync(tmp, file);
}
