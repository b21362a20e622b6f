// Finding an agent CLI and asking its version. Started, like every agent process, as a process group of
// its own (lib/process-group.ts), so a CLI that hangs on --version leaves nothing behind.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { killChildGroup, spawnGroup } from "@/lib/process-group";

type Env = Record<string, string | undefined>;

/** The first executable of that name on PATH, or null. */
export function findOnPath(name: string, pathVar = ""): string | null {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const VERSION_TTL_MS = 5 * 60_000;
const versions = new Map<string, { at: number; version: Promise<string | null> }>();

/** Runs `<bin> --version` and returns its first line, or null when it does not run; kept a few minutes. */
export function cliVersion(bin: string, env: Env, prefix: string[] = []): Promise<string | null> {
  const key = [bin, ...prefix].join(" ");
  const cached = versions.get(key);
  if (cached && Date.now() - cached.at < VERSION_TTL_MS) return cached.version;
  const version = readVersion(bin, env, prefix);
  versions.set(key, { at: Date.now(), version });
  // a CLI that does not run yet may be installed in a minute: only a found version is kept
  void version.then((v) => v === null && versions.delete(key));
  return version;
}

function readVersion(bin: string, env: Env, prefix: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawnGroup(bin, [...prefix, "--version"], { env, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    const timer = setTimeout(() => {
      void killChildGroup(child);
      resolve(null);
    }, 15_000);
    child.stdout?.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.on("error", () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? out.trim().split("\n")[0].slice(0, 200) || null : null);
    });
  });
}
