// Every file path Switchboard touches is resolved here and must stay inside the workspace, symlinks included.
import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { workspaceDir } from "@/lib/env";
import { SafeError } from "@/lib/errors";

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value);
}

/** The scope name of the workspace's own MCP servers and tool pins: no client may take it. */
export const WORKSPACE_SCOPE = "global";

export function isClientSlug(value: string): boolean {
  return isSlug(value) && value !== WORKSPACE_SCOPE;
}

export function assertSlug(value: string, what = "slug"): string {
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

export type ReadOptions = {
  root?: string;
  /** return the first maxBytes bytes of a larger file instead of refusing it */
  truncate?: boolean;
};

/**
 * Reads a regular file inside the workspace, at most `maxBytes`. A FIFO, a device, a socket or a symlink
 * out of the workspace is refused without blocking: the file is opened non-blocking and without
 * following a last-moment symlink, and what was opened (fstat of the descriptor, not of the name) must be
 * a regular file. A missing file throws the usual ENOENT error.
 */
export function readWorkspaceFile(relative: string, maxBytes: number, options: ReadOptions = {}): string {
  const root = options.root ?? workspaceDir();
  const file = resolveInWorkspace(relative, root);
  // resolveInWorkspace checked where links lead; open the resolved target itself so a symlink swapped in
  // after that check is refused by O_NOFOLLOW instead of followed
  const real = fs.realpathSync(file);
  if (!isInside(realpathOfExisting(root), real)) throw new SafeError(`Path "${relative.slice(0, 120)}" leads outside the workspace`);
  let fd: number;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw error;
    if (code === "ELOOP") throw new SafeError(`${relative} is a symlink; Switchboard does not read through links`);
    throw new SafeError(`${relative} cannot be read (${code ?? "error"})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new SafeError(`${relative} is not a regular file`);
    if (stat.size > maxBytes && !options.truncate) throw new SafeError(`${relative} is ${stat.size} bytes; the limit is ${maxBytes}`);
    // the size can change between fstat and read: never read more than the limit (plus one byte to tell)
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stat.size, 0) + 1));
    let length = 0;
    while (length < buffer.length) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) {
      if (!options.truncate) throw new SafeError(`${relative} is over its limit of ${maxBytes} bytes`);
      length = maxBytes;
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes atomically (a temporary file created exclusively under a random name, then renamed) and never through a symlink. */
export function writeWorkspaceFile(relative: string, content: string): void {
  const file = resolveInWorkspace(relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    if (fs.lstatSync(file).isSymbolicLink()) throw new SafeError(`${relative} is a symlink; Switchboard does not write through links`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // 'wx' fails when the name exists: a planted symlink or FIFO at a guessable name is never written through
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(12).toString("hex")}.tmp`);
  fs.writeFileSync(tmp, content, { mode: 0o644, flag: "wx" });
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}
