// Steps shared by `npm start` and `npm test`. Node built-ins only: this runs before node_modules exists.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");

export function log(message) {
  console.log(`[switchboard] ${message}`);
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options, env: { ...process.env, ...options.env } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status ?? result.signal}`);
  }
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** npm install when node_modules is missing or older than the lockfile. */
export function ensurePackages() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (mtime(marker) && mtime(marker) >= mtime(lock) && fs.existsSync(path.join(root, "node_modules", "next"))) return;
  log("installing npm packages (first run, or the lockfile changed)...");
  // `npm ci` fails here: the registry lacks other platforms' optional packages (notes/toolchain.md)
  run("npm", ["install", "--no-audit", "--no-fund"], { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" } });
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return path.join(dir, name);
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Debian's bubblewrap, which boxes every agent CLI process (lib/agents/sandbox.ts), installed with apt-get
 * when bwrap is missing and this runs as root. Otherwise: `required` (npm test) fails with what to do;
 * npm start says it and goes on, with the claude-code and codex runners unusable until it is installed.
 */
export function ensureBubblewrap({ required }) {
  if (onPath("bwrap")) return;
  if (process.env.SWITCHBOARD_AGENT_SANDBOX === "off" && !required) return;
  const help = "Install Debian's package as root: apt-get install -y bubblewrap";
  if (process.getuid?.() !== 0) {
    if (required) throw new Error(`bubblewrap (bwrap) is missing: the agent sandbox tests need it. ${help}`);
    log(`bubblewrap (bwrap) is missing: the claude-code and codex runners stay unusable until it is installed. ${help} (or set SWITCHBOARD_AGENT_SANDBOX=off to run agents unboxed)`);
    return;
  }
  log("installing Debian's bubblewrap for the agent sandbox...");
  try {
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "bubblewrap"], { env: { DEBIAN_FRONTEND: "noninteractive" } });
  } catch (error) {
    if (required) throw error;
    log(`could not install bubblewrap (${error.message}): the claude-code and codex runners stay unusable until it is installed. ${help}`);
  }
}

/** The Prisma client, generated from prisma/schema.prisma when missing or older than the schema. */
export function ensurePrismaClient() {
  const out = path.join(root, "lib", "generated", "prisma", "client.ts");
  if (mtime(out) && mtime(out) >= mtime(path.join(root, "prisma", "schema.prisma"))) return;
  log("generating the Prisma client...");
  // Prisma's CLI would download a schema engine before `generate`; pointing it at any existing file skips
  // that, and `generate` itself does not need the engine (notes/toolchain.md). Migrations are applied by lib/db/migrate.ts.
  run(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate", "--schema", "prisma/schema.prisma"], {
    env: { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  });
  if (!fs.existsSync(out)) throw new Error(`prisma generate reported success but ${out} is missing`);
}

const BUILD_INPUTS = ["app", "components", "lib", "public", "next.config.ts", "proxy.ts", "instrumentation.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];

function walk(entry, files) {
  const full = path.join(root, entry);
  let stat;
  try {
    stat = fs.statSync(full);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    if (entry === path.join("lib", "generated")) return;
    for (const child of fs.readdirSync(full).sort()) {
      if (!child.endsWith(".test.ts")) walk(path.join(entry, child), files);
    }
  } else {
    files.push(`${entry}:${stat.size}:${createHash("sha1").update(fs.readFileSync(full)).digest("hex")}`);
  }
}

export function sourceHash() {
  const files = [];
  for (const entry of BUILD_INPUTS) walk(entry, files);
  return createHash("sha256").update(files.join("\n")).digest("hex");
}

const stampFile = () => path.join(root, ".next", "switchboard-build.json");

export function isBuildCurrent() {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return false;
  try {
    return JSON.parse(fs.readFileSync(stampFile(), "utf8")).hash === sourceHash();
  } catch {
    return false;
  }
}

export function build() {
  log("building (no current build)...");
  run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { env: { NEXT_TELEMETRY_DISABLED: "1" } });
  fs.writeFileSync(stampFile(), JSON.stringify({ hash: sourceHash(), builtAt: new Date().toISOString() }));
}

export function ensureBuild() {
  if (!isBuildCurrent()) build();
}
