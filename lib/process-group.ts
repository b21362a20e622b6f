// The one process-group rule. Every child Switchboard starts that may start children of its own (an
// agent CLI and its shells, a stdio MCP server behind `npx` or `sh -c`, an agent's sandbox) leads a
// process group of its own (detached: setsid), and ending it ends the whole group: SIGTERM, one grace,
// then SIGKILL to whatever is left, and only then is it over.
//
// The grace is 2 s: long enough for a CLI or MCP server to flush and close what it holds (Claude Code and
// codex end on SIGTERM in well under a second here; a Node MCP server closes its transports in tens of
// ms), short enough that a cancel, a step timeout or a shutdown (SWITCHBOARD_SHUTDOWN_GRACE_S, 10 s by
// default) never waits long on a child that ignores the signal.
//
// One exception, by necessity: when Switchboard's own process exits, an 'exit' handler may do only
// synchronous work, so it sends SIGKILL to every group at once (signalGroup; see lib/mcp/pool.ts).
import "server-only";
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export const GROUP_KILL_GRACE_MS = 2_000;
const POLL_MS = 25;

type Env = Record<string, string | undefined>;

/** Starts `command` as the leader of a new process group (and session), whose id is its pid. */
export function spawnGroup(command: string, args: string[], options: Omit<SpawnOptions, "env" | "detached"> & { env?: Env }): ChildProcess {
  return spawn(command, args, { ...options, env: options.env as NodeJS.ProcessEnv | undefined, detached: true });
}

/** Sends a signal to a whole process group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

const ending = new Map<number, Promise<void>>();

/**
 * Ends the process group `pgid`: SIGTERM, then SIGKILL to what is left after the grace. Resolves when no
 * process of the group is left (a zombie its parent has not reaped yet still counts, for at most a poll).
 * Several callers ending the same group share one ending.
 */
export function killGroup(pgid: number | null | undefined): Promise<void> {
  if (!pgid || !groupAlive(pgid)) return Promise.resolve();
  const pending = ending.get(pgid);
  if (pending) return pending;
  const done = endGroup(pgid).finally(() => ending.delete(pgid));
  ending.set(pgid, done);
  return done;
}

async function endGroup(pgid: number): Promise<void> {
  if (!signalGroup(pgid, "SIGTERM")) return;
  const deadline = Date.now() + GROUP_KILL_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
  if (!signalGroup(pgid, "SIGKILL")) return;
  // SIGKILL cannot be ignored: the group is gone once the kernel has torn each process down and its parent
  // has reaped it. Bounded all the same: a zombie whose parent never reaps it (a container's PID 1 that
  // does not) would otherwise count as alive for ever.
  const reaped = Date.now() + GROUP_KILL_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < reaped) await new Promise((r) => setTimeout(r, POLL_MS));
}

/** For a child started with spawnGroup: ends its whole group. */
export function killChildGroup(child: ChildProcess): Promise<void> {
  return killGroup(child.pid);
}
