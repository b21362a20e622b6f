// Test support: the real worker (`npm run worker`) started until it beats, and crashed with kill -9.
import type { ChildProcess } from "node:child_process";
import { prisma } from "@/lib/db/client";
import { childPids, exited, isAlive, spawnRealWorker } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

export type RealWorker = { child: ChildProcess; workerId: string };

/** Starts `npm run worker` (kept in `children` for the suite's cleanup) and waits for its heartbeat row. */
export async function startRealWorker(log: string, children: ChildProcess[], env: Record<string, string> = {}): Promise<RealWorker> {
  const child = spawnRealWorker(log, env);
  children.push(child);
  const beat = await waitFor(() => prisma.workerBeat.findFirst({ where: { pid: child.pid, kind: "worker" }, select: { id: true } }), 120_000, "the worker to beat");
  return { child, workerId: beat.id };
}

/**
 * kill -9; then the end of its MCP servers (they lose their stdin with it; a call they were answering may
 * still land, as in a real crash), and what time would do to its leases, set directly (no waiting for
 * them to run out).
 */
export async function crashRealWorker({ child, workerId }: RealWorker): Promise<void> {
  const mcpChildren = childPids(child.pid ?? -1);
  child.kill("SIGKILL");
  await exited(child);
  await waitFor(() => mcpChildren.every((pid) => !isAlive(pid)), undefined, `the killed worker's MCP servers (${mcpChildren.join(", ")}) to end`);
  // each of its claims holds its run as `<worker id>:<claim id>`
  await prisma.run.updateMany({ where: { leaseOwner: { startsWith: `${workerId}:` }, status: "running" }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
}
