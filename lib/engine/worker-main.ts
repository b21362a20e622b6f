// The worker as its own process (`npm run worker`). It migrates nothing (the start script does): it
// starts the worker, and on SIGTERM or SIGINT lets running steps finish for SWITCHBOARD_SHUTDOWN_GRACE_S,
// marks the rest interrupted, and ends every MCP server child.
import { dbReady } from "@/lib/db";
import { env } from "@/lib/env";
import { startWorker, stopWorker, type WorkerOptions } from "@/lib/engine/worker";

/** Stops the process's worker, then the MCP pool (the order matters: steps may still call tools). */
export async function shutdownWorkerAndPool(graceMs = env().SWITCHBOARD_SHUTDOWN_GRACE_S * 1000): Promise<void> {
  // the scheduler first, so no tick queues a run the stopping worker would not take
  const { stopScheduler } = await import("@/lib/heartbeats/scheduler");
  await stopScheduler();
  await stopWorker({ graceMs });
  const { getMcpPool } = await import("@/lib/mcp/pool");
  await getMcpPool().shutdown();
}

export async function runWorkerProcess(options: WorkerOptions = {}): Promise<void> {
  await dbReady();
  const worker = await startWorker(options);
  console.log(`[worker] ${worker.id} started (pid ${process.pid})`);
  // beside the worker, as in the web server: ticks are claimed in the database, so two never start one tick twice
  const { startScheduler } = await import("@/lib/heartbeats/scheduler");
  const scheduler = await startScheduler();
  console.log(`[worker] heartbeat scheduler ${scheduler.id} started`);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running steps for up to ${env().SWITCHBOARD_SHUTDOWN_GRACE_S} s`);
    shutdownWorkerAndPool()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error("[worker] shutdown failed", error);
        process.exit(1);
      });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
