// Start-up of the web server process (from instrumentation.ts): the socket hooks, then migrations, the
// workspace and the first admin, then the worker, scheduler and MCP pool with the one life cycle of
// lib/runtime.ts. `npm start` sets NEXT_MANUAL_SIG_HANDLE so that on SIGTERM Next leaves the exit to it.
import "server-only";
import { inProcessWorkerEnabled } from "@/lib/env";
import { installServerHooks } from "@/lib/http/node-server";
import { runProcess } from "@/lib/runtime";
import { prepareRuntime } from "@/lib/startup";

const globalForServer = globalThis as unknown as { switchboardStarted?: Promise<void> };

export function startServerProcess(): Promise<void> {
  globalForServer.switchboardStarted ??= (async () => {
    // before the first request is handled: the socket's address for throttling, and proxy-friendly keep-alive
    installServerHooks();
    await runProcess({ label: "switchboard", prepare: prepareRuntime, parts: inProcessWorkerEnabled() });
  })();
  return globalForServer.switchboardStarted;
}
