// Test support: the real worker (`npm run worker`) as a child process, and the processes it leaves.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A process as /proc shows it: parent, process group, state ("Z": a zombie, exited), command line (its
 * arguments joined by spaces; "" when unreadable) and, when asked for, its environment (NAME=value
 * entries; "" when it is not ours to read).
 */
export type ProcessEntry = { pid: number; ppid: number; pgrp: number; state: string; cmdline: string; environ?: string };

function readProc(pid: string, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return ""; // ended meanwhile, or not ours
  }
}

/** The one reader of /proc (Linux) in the tests: every process, or only `pids`. */
export function processTable(options: { environ?: boolean; pids?: number[] } = {}): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  const names = options.pids ? options.pids.map(String) : fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  for (const name of names) {
    const stat = readProc(name, "stat");
    if (!stat) continue; // the process ended while we looked
    // fields after the command name (which may hold spaces and parentheses): state ppid pgrp ...
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const entry: ProcessEntry = { pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp), state, cmdline: readProc(name, "cmdline").replaceAll("\0", " ").trim() };
    if (options.environ) entry.environ = readProc(name, "environ");
    out.push(entry);
  }
  return out;
}

/** Direct children of `pid`. */
export function childPids(pid: number): number[] {
  return processTable()
    .filter((p) => p.ppid === pid)
    .map((p) => p.pid);
}

/** Every live process whose process group is `pgid` (zombies count as gone). */
export function processesInGroup(pgid: number): number[] {
  return processTable()
    .filter((p) => p.pgrp === pgid && p.state !== "Z")
    .map((p) => p.pid);
}

/** Alive and not a zombie (an orphan reparented to a PID 1 that does not reap stays a zombie). */
export function isRunning(pid: number): boolean {
  return processTable({ pids: [pid] }).some((p) => p.state !== "Z");
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

/** `npm run worker` (scripts/worker.ts) with this test's database and workspace; its output goes to `log`. */
export function spawnRealWorker(log: string, env: Record<string, string> = {}): ChildProcess {
  const out = fs.openSync(log, "a");
  try {
    return spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      stdio: ["ignore", out, out],
    });
  } finally {
    fs.closeSync(out);
  }
}
