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

export type ProcessEntry = { pid: number; ppid: number; pgrp: number; state: string };

/** Every process in /proc (Linux) with its parent, process group and state ("Z": a zombie, exited). */
export function processTable(): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // fields after the command name (which may hold spaces and parentheses): state ppid pgrp ...
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp), state });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Direct children of `pid`. */
export function childPids(pid: number): number[] {
  return processTable().filter((p) => p.ppid === pid).map((p) => p.pid);
}

/** Every live process whose process group is `pgid` (zombies count as gone). */
export function processesInGroup(pgid: number): number[] {
  return processTable().filter((p) => p.pgrp === pgid && p.state !== "Z").map((p) => p.pid);
}

/** Alive and not a zombie (an orphan reparented to a PID 1 that does not reap stays a zombie). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
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
