// The long-lived parts of a Switchboard process (the run worker, the heartbeat scheduler, the MCP pool) and
// their one life cycle, for both processes that run them: the web server (lib/server-process.ts, from
// instrumentation.ts) and `npm run worker` (scripts/worker.ts). Above the heartbeats in the order of
// domains: it starts the engine's worker and the heartbeats' scheduler side by side.
//
// One exit policy for both: on SIGTERM or SIGINT (or, under scripts/start.mjs, when that supervisor
// disappears) the scheduler stops first (no tick queues a run the stopping worker would not take), then
// the worker lets running steps finish for SWITCHBOARD_SHUTDOWN_GRACE_S and marks the rest interrupted,
// then every MCP server child is ended; the process exits 0 when all of that finished, 1 when it did not.
// A failure to start is logged in one line and exits 1.
import "server-only";
import { env } from "@/lib/env";
import type { WorkerOptions } from "@/lib/engine/worker";

export type RuntimeOptions = {
  /** the log prefix: "switchboard" (the web server) or "worker" */
  label: string;
  /** run before the parts start (migrations, the workspace, the first admin) */
  prepare?: () => Promise<void>;
  /** start the worker and the scheduler (the web server does unless SWITCHBOARD_IN_PROCESS_WORKER is off) */
  parts: boolean;
  worker?: WorkerOptions;
};

/** Starts the worker, then the scheduler and the notification sender beside it (ticks are claimed in the database, so two processes never start one tick twice). */
export async function startParts(label: string, options: WorkerOptions = {}): Promise<void> {
  const { startWorker } = await import("@/lib/engine/worker");
  const worker = await startWorker(options);
  console.log(`[${label}] worker ${worker.id} started (pid ${process.pid})`);
  const { startScheduler } = await import("@/lib/heartbeats/scheduler");
  const scheduler = await startScheduler();
  console.log(`[${label}] heartbeat scheduler ${scheduler.id} started`);
  const { startSender } = await import("@/lib/notify/sender");
  const sender = startSender();
  console.log(`[${label}] notification sender ${sender.id} started`);
}

/** Stops the scheduler, the worker (running steps get `graceMs`), the notification sender, then the MCP pool: steps may still call tools until the worker has stopped. */
export async function stopParts(graceMs = env().SWITCHBOARD_SHUTDOWN_GRACE_S * 1000): Promise<void> {
  const { stopScheduler } = await import("@/lib/heartbeats/scheduler");
  await stopScheduler();
  const { stopWorker } = await import("@/lib/engine/worker");
  await stopWorker({ graceMs });
  // what the last steps wrote to the outbox waits there for the next start
  const { stopSender } = await import("@/lib/notify/sender");
  await stopSender();
  const { getMcpPool } = await import("@/lib/mcp/pool");
  await getMcpPool().shutdown();
}

/** Prepares, starts the parts, and stops them on a signal with the one exit policy above. */
export async function runProcess(options: RuntimeOptions): Promise<void> {
  const { label } = options;
  let stopping = false;
  // a signal during start-up waits for the start, then stops what started
  let started: Promise<unknown> = Promise.resolve();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[${label}] ${signal}: letting running steps finish for up to ${env().SWITCHBOARD_SHUTDOWN_GRACE_S} s`);
    started
      .then(() => stopParts())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(`[${label}] shutdown did not finish cleanly:`, error);
        process.exit(1);
      });
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => stop(signal));
  // scripts/start.mjs killed outright cannot pass a signal on: its disappearance is the signal
  const supervisor = env().SWITCHBOARD_SUPERVISOR_PID;
  if (supervisor) {
    const check = setInterval(() => {
      if (process.ppid !== supervisor) stop("SIGTERM");
    }, 1000);
    check.unref();
  }
  started = (async () => {
    await options.prepare?.();
    if (options.parts) await startParts(label, options.worker);
  })();
  try {
    await started;
  } catch (error) {
    console.error(`[${label}] could not start:`, error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
