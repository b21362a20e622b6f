// Start-up and shutdown of the long-lived parts of the web server process (worker, scheduler, MCP pool); they hang
// on globalThis. `npm start` sets NEXT_MANUAL_SIG_HANDLE so that on SIGTERM Next leaves the exit to us:
// running steps get SWITCHBOARD_SHUTDOWN_GRACE_S to finish, the rest are marked interrupted, every MCP
// child is ended, then the process exits.
import { env, inProcessWorkerEnabled } from "@/lib/env";
import { installServerHooks } from "@/lib/http/node-server";
import { prepareRuntime } from "@/lib/startup";

const globalForServer = globalThis as unknown as { switchboardStarted?: Promise<void> };

async function shutdown(signal: NodeJS.Signals): Promise<never> {
  console.log(`[switchboard] ${signal}: letting running steps finish for up to ${env().SWITCHBOARD_SHUTDOWN_GRACE_S} s`);
  try {
    const { shutdownWorkerAndPool } = await import("@/lib/engine/worker-main");
    await shutdownWorkerAndPool();
  } catch (error) {
    console.error("[switchboard] shutdown did not finish cleanly:", error);
  }
  process.exit(signal === "SIGINT" ? 130 : 143);
}

export function startServerProcess(): Promise<void> {
  globalForServer.switchboardStarted ??= (async () => {
    // before the first request is handled: the socket's address for throttling, and proxy-friendly keep-alive
    installServerHooks();
    try {
      await prepareRuntime();
      if (inProcessWorkerEnabled()) {
        const { startWorker } = await import("@/lib/engine/worker");
        const worker = await startWorker();
        console.log(`[switchboard] worker ${worker.id} started`);
        const { startScheduler } = await import("@/lib/heartbeats/scheduler");
        const scheduler = await startScheduler();
        console.log(`[switchboard] heartbeat scheduler ${scheduler.id} started`);
      }
    } catch (error) {
      console.error("[switchboard] could not start:", error instanceof Error ? error.message : error);
      process.exit(1);
    }
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      void shutdown(signal);
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
  })();
  return globalForServer.switchboardStarted;
}
