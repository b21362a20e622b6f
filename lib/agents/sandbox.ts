// The box every agent CLI process (claude-code, codex and whatever they start) runs in: a bubblewrap
// sandbox. An agent reads untrusted text all day, and its own tools (codex's shell, Claude Code's Read
// and Bash) can read any file the process may; the box decides what there is to read.
//
// It sees: the system read-only (/usr, the /bin and /lib links, a short list of /etc without its
// secrets), a private /proc (its own processes only) and a minimal /dev, the CLI itself read-only (its
// package and platform package; the node binary when the CLI is a node script), the client's folder
// read-write at its own path as its cwd (so paths in prompts stay right), a fresh private HOME and /tmp,
// and only what the CLI needs to log in: the operator's Claude credentials file read-write (a token
// refresh inside the box must reach the operator's own login) or the codex step's own CODEX_HOME. A pipeline
// (an admin's file) may add paths with `mounts:`, read-only unless it says `write: true`.
// It does not see: Switchboard's data folder (database, WAL, auth secret), its install and workspace
// files, other clients' folders, or the operator's real HOME. The network is not unshared: the CLIs
// reach the model endpoint, and codex the HTTP gateway on 127.0.0.1.
//
// No --new-session: the box stays in the process group the runner started it in (spawnGroup already
// made a new session, so there is no terminal to inject into), and the one group kill
// (lib/process-group.ts) gives every process in it SIGTERM and then SIGKILL. --unshare-pid and
// --die-with-parent are the backstop: a process that left the group still dies with the box's pid 1.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { agentEnv, dataDir, workspaceDir } from "@/lib/env";
import { findOnPath } from "@/lib/agents/cli-binary";
import { AgentRunError, RunnerNotConfiguredError, type AgentMount, type RunnerStatus } from "@/lib/agents/runner";

export type SandboxMount = AgentMount;

export type BoxLogin = string | { path: string; at: string };

export type BoxSpec = {
  bwrap: string;
  /** the program and its arguments, as they would run unboxed */
  command: string;
  args: string[];
  /** the client's folder: read-write, at its own path, the box's working directory */
  cwd: string;
  /** the working directory is an empty scratch folder instead (a step with no client runs in the workspace: not shown) */
  scratchCwd?: boolean;
  /** the private HOME's path inside the box (an empty tmpfs) */
  home: string;
  /** the CLI's own files, read-only */
  cli: string[];
  /** what the CLI needs to log in, read-write (a file or a folder, at its own path unless `at` says where) */
  login: BoxLogin[];
  /** variables set inside the box */
  setenv?: Record<string, string>;
  /** an admin's extra paths (pipeline `mounts:`): `path` bound at `at` (at `path` when it has none) */
  mounts: (SandboxMount & { at?: string })[];
  /** Switchboard's own folders: covered with an empty tmpfs should a system path hold them */
  hide: string[];
};

const SYSTEM_DIRS = ["/usr"];
const SYSTEM_LINKS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
// what programs read from /etc to run, resolve names and check certificates; not shadow, gshadow, ssh
// host keys, sudoers, npmrc or anything else with a secret in it. Of /etc/ssl and /etc/pki only the CA
// certificates and OpenSSL's config: their private/ folders hold the host's TLS keys, and a box started
// by root keeps uid 0, which may read them
const ETC_ALLOW = [
  "alternatives",
  "ca-certificates",
  "ca-certificates.conf",
  "ssl/certs",
  "ssl/cert.pem",
  "ssl/openssl.cnf",
  "pki/ca-trust",
  "pki/tls/certs",
  "pki/tls/cert.pem",
  "pki/tls/openssl.cnf",
  "resolv.conf",
  "hosts",
  "host.conf",
  "gai.conf",
  "nsswitch.conf",
  "passwd",
  "group",
  "hostname",
  "localtime",
  "timezone",
  "os-release",
  "debian_version",
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "mime.types",
  "protocols",
  "services",
  "networks",
  "shells",
  "inputrc",
  "bash.bashrc",
  "profile",
  "terminfo",
  "locale.alias",
  "magic",
  "magic.mime",
];

function isUnder(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The path with every symlink resolved (bwrap follows them), or as given when it does not exist. */
function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The bwrap argument list for one boxed process (pure: reads the file system only to skip what is absent). */
export function sandboxArgv(spec: BoxSpec): { command: string; args: string[] } {
  const a: string[] = [];
  for (const dir of SYSTEM_DIRS) if (exists(dir)) a.push("--ro-bind", dir, dir);
  for (const link of SYSTEM_LINKS) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(link);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) a.push("--symlink", fs.readlinkSync(link), link);
    else if (stat.isDirectory()) a.push("--ro-bind", link, link);
  }
  for (const name of ETC_ALLOW) if (exists(`/etc/${name}`)) a.push("--ro-bind", `/etc/${name}`, `/etc/${name}`);
  a.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/var/tmp");
  // a Switchboard installed under a system path (/usr/local/switchboard) is not part of the system
  for (const p of spec.hide) if (SYSTEM_DIRS.some((d) => isUnder(p, d))) a.push("--tmpfs", p);
  a.push("--tmpfs", spec.home, "--setenv", "HOME", spec.home, "--setenv", "TMPDIR", "/tmp");
  for (const [k, v] of Object.entries(spec.setenv ?? {})) a.push("--setenv", k, v);
  // outer folders before inner ones, so that a bind inside another (the client's folder in /tmp, a
  // credentials file in the private HOME) is not covered by it
  const binds: { src: string; dest: string; write: boolean }[] = [
    ...spec.cli.map((src) => ({ src, dest: src, write: false })),
    ...spec.login.map((l) => (typeof l === "string" ? { src: l, dest: l, write: true } : { src: l.path, dest: l.at, write: true })),
    ...spec.mounts.map((m) => ({ src: m.path, dest: m.at ?? m.path, write: m.write === true })),
  ];
  binds.sort((x, y) => x.dest.split("/").length - y.dest.split("/").length);
  for (const b of binds) a.push(b.write ? "--bind" : "--ro-bind", b.src, b.dest);
  if (spec.scratchCwd) a.push("--dir", spec.cwd, "--chdir", spec.cwd);
  else a.push("--bind", spec.cwd, spec.cwd, "--chdir", spec.cwd);
  a.push("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent");
  a.push("--", spec.command, ...spec.args);
  return { command: spec.bwrap, args: a };
}

// the npm packages the agent CLIs come in (and their platform packages: `@openai/codex-linux-x64`)
const CLI_PACKAGE = /^(@anthropic-ai\/claude-code|@anthropic-ai\/claude-agent-sdk|@openai\/codex)(-[a-z0-9-]+)?$/;

/** An installed npm package: a folder in node_modules, or in a scope folder there (node_modules/@openai/codex). */
function inNodeModules(dir: string): boolean {
  const parent = path.dirname(dir);
  return path.basename(parent) === "node_modules" || (path.basename(parent).startsWith("@") && path.basename(path.dirname(parent)) === "node_modules");
}

function packageName(dir: string): string | null {
  try {
    const name = (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown }).name;
    return typeof name === "string" ? name : null;
  } catch {
    return null;
  }
}

/**
 * The npm package a CLI came in: the nearest folder above `file` with a package.json, if that folder is an
 * installed package (in node_modules) or names one of the CLIs' packages; else null. Any other package.json
 * (a stray ~/package.json above a native binary in ~/.local/share/claude) does not make its folder the CLI's.
 */
function packageRoot(file: string): { dir: string; installed: boolean } | null {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (!fs.existsSync(path.join(dir, "package.json"))) continue;
    if (inNodeModules(dir)) return { dir, installed: true };
    return CLI_PACKAGE.test(packageName(dir) ?? "") ? { dir, installed: false } : null;
  }
  return null;
}

/**
 * What a CLI needs of its own files: its npm package (or the binary alone), and the platform packages
 * beside it in node_modules that npm CLIs keep their native binary in (`@openai/codex` ->
 * `@openai/codex-linux-x64`). Never the whole node_modules or the install: only these. `keepOut` (the
 * install, data and workspace folders, the operator's HOME) is compared with symlinks resolved.
 */
export function cliPaths(bin: string, command: string, keepOut: string[] = []): string[] {
  const real = fs.realpathSync(bin);
  const out = new Set<string>();
  const root = packageRoot(real);
  // a "package" that holds Switchboard's own folders or the operator's HOME (a CLI inside the install,
  // with the install's package.json above it) is not the CLI's: then only the binary itself is bound
  const ours = keepOut.flatMap((p) => [path.resolve(p), realOrResolved(p)]);
  const holdsOurs = (dir: string) => ours.some((p) => isUnder(p, dir));
  if (root && !holdsOurs(root.dir)) {
    out.add(root.dir);
    const scope = path.dirname(root.dir);
    const name = path.basename(root.dir);
    if (root.installed) {
      for (const sibling of fs.readdirSync(scope)) {
        const dir = path.join(scope, sibling);
        if (sibling.startsWith(`${name}-`) && !holdsOurs(dir)) out.add(dir);
      }
    }
  } else {
    out.add(real);
  }
  // a node script runs with this node (the system's is already in /usr)
  if (command !== bin) out.add(fs.realpathSync(command));
  return [...out].filter((p) => !SYSTEM_DIRS.some((d) => isUnder(p, d)));
}

export type SandboxState = { mode: "on"; bwrap: string } | { mode: "off" } | { mode: "unusable"; reason: string; hint: string };

let probe: { at: number; bwrap: string; problem: Promise<string | null> } | null = null;
const FAILED_PROBE_TTL_MS = 60_000;

/** Runs bwrap once with the namespaces the box uses; null when it works, else what went wrong. */
function probeBwrap(bwrap: string): Promise<string | null> {
  return new Promise((resolve) => {
    const args = ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--", "/bin/sh", "-c", "exit 0"];
    // an absolute path: the probe must not depend on the PATH Switchboard was started with
    const child = spawn(bwrap, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr?.on("data", (c: Buffer) => (err = (err + c.toString("utf8")).slice(-500)));
    child.on("error", (e) => resolve(`${bwrap} does not start (${e.message})`));
    child.on("close", (code) => resolve(code === 0 ? null : `${bwrap} cannot make a sandbox here: ${err.trim().split("\n").at(-1) || `exit code ${code}`}`));
  });
}

/**
 * Whether agent CLIs run boxed, unboxed by the operator's choice (SWITCHBOARD_AGENT_SANDBOX=off), or not
 * at all (no bubblewrap, or it cannot make a sandbox here). A working bwrap is probed once; a failure is
 * probed again after a minute, so installing bubblewrap needs no restart.
 */
export async function sandboxState(): Promise<SandboxState> {
  const env = agentEnv();
  if (env.SWITCHBOARD_AGENT_SANDBOX === "off") return { mode: "off" };
  const bwrap = findOnPath("bwrap", env.PATH);
  if (!bwrap) {
    return {
      mode: "unusable",
      reason: "bubblewrap (bwrap) is not installed, and agent CLIs run only in its sandbox",
      hint: "Install Debian's bubblewrap (apt-get install bubblewrap; npm start does it as root), or set SWITCHBOARD_AGENT_SANDBOX=off to run agents unboxed",
    };
  }
  if (!probe || probe.bwrap !== bwrap) probe = { at: Date.now(), bwrap, problem: probeBwrap(bwrap) };
  let problem = await probe.problem;
  if (problem && Date.now() - probe.at > FAILED_PROBE_TTL_MS) {
    probe = { at: Date.now(), bwrap, problem: probeBwrap(bwrap) };
    problem = await probe.problem;
  }
  if (problem)
    return { mode: "unusable", reason: problem.slice(0, 500), hint: "Let bubblewrap make namespaces (as root, or with unprivileged user namespaces), or set SWITCHBOARD_AGENT_SANDBOX=off to run agents unboxed" };
  return { mode: "on", bwrap };
}

/**
 * A CLI runner's status with the box in it: unusable (with the reason) when agent CLIs cannot be boxed,
 * a warning when the operator turned the box off.
 */
export async function withSandboxStatus(status: RunnerStatus): Promise<RunnerStatus> {
  if (!status.usable) return status;
  const state = await sandboxState();
  if (state.mode === "on") return { ...status, detail: `${status.detail}; in the bubblewrap sandbox` };
  if (state.mode === "off") return { ...status, warning: "Runs without the sandbox (SWITCHBOARD_AGENT_SANDBOX=off): an agent can read every file Switchboard can, its database and secrets included" };
  return { ...status, usable: false, detail: `${status.detail}; ${state.reason}`, hint: state.hint };
}

/** The box for a step, or null when the operator turned it off; throws when agent CLIs cannot run. */
export async function requireSandbox(runner: string): Promise<{ bwrap: string } | null> {
  const state = await sandboxState();
  if (state.mode === "off") return null;
  if (state.mode === "unusable") throw new RunnerNotConfiguredError(`The ${runner} runner cannot run: ${state.reason}. ${state.hint}`);
  return { bwrap: state.bwrap };
}

/** The private HOME's path inside the box: the operator's HOME path (covered by an empty tmpfs). */
export function boxHome(home: string | undefined): string {
  return home && path.isAbsolute(home) && path.resolve(home) !== "/" ? path.resolve(home) : "/home/agent";
}

/** Switchboard's own folders, which a system bind must not show (see sandboxArgv), with symlinks resolved. */
export function switchboardFolders(): string[] {
  return [...new Set([dataDir(), workspaceDir(), process.cwd()].map(realOrResolved))];
}

/**
 * A pipeline's mounts, checked when its step starts: each must exist and stay clear of Switchboard's data
 * folder, compared with symlinks resolved on both sides (bwrap follows them: a link to the install, or a
 * data folder that is itself a link, must not get past). Returns them with `path` resolved, the source
 * bwrap gets; `at` is where the agent finds it (the path the pipeline names).
 */
export function checkMounts(mounts: SandboxMount[]): (SandboxMount & { at: string })[] {
  const data = [path.resolve(dataDir()), realOrResolved(dataDir())];
  return mounts.map((m) => {
    if (!path.isAbsolute(m.path)) throw new AgentRunError(`The pipeline's mount ${m.path} is not an absolute path`);
    if (!exists(m.path)) throw new AgentRunError(`The pipeline's mount ${m.path} does not exist`);
    const real = fs.realpathSync(m.path);
    // an admin may share a folder with agents, never Switchboard's own data (its database and secrets)
    if (data.some((d) => isUnder(d, real) || isUnder(real, d))) throw new AgentRunError(`The pipeline's mount ${m.path} would show Switchboard's data folder to the agent`);
    return { ...m, path: real, at: path.resolve(m.path) };
  });
}

export type BoxRequest = {
  command: string;
  args: string[];
  /** the CLI as configured (its package is bound read-only) */
  bin: string;
  cwd: string;
  home: string | undefined;
  /** login files or folders, read-write */
  login: BoxLogin[];
  mounts: SandboxMount[];
  setenv?: Record<string, string>;
};

/** The command line that runs `command args` in the box. */
export function boxedCommand(box: { bwrap: string }, req: BoxRequest): { command: string; args: string[] } {
  const mounts = checkMounts(req.mounts);
  const home = boxHome(req.home);
  return sandboxArgv({
    bwrap: box.bwrap,
    command: req.command,
    args: req.args,
    cwd: req.cwd,
    scratchCwd: path.resolve(req.cwd) === workspaceDir(),
    home,
    // the operator's real HOME is never taken for the CLI's package (a stray ~/package.json)
    cli: cliPaths(req.bin, req.command, [...switchboardFolders(), home]),
    login: req.login.filter((l) => exists(typeof l === "string" ? l : l.path)),
    mounts,
    setenv: req.setenv,
    hide: switchboardFolders(),
  });
}
