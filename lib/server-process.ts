// Start-up of the long-lived parts of the web server process; they hang on globalThis.
import { prepareRuntime } from "@/lib/startup";

const globalForServer = globalThis as unknown as { switchboardStarted?: Promise<void> };

export function startServerProcess(): Promise<void> {
  globalForServer.switchboardStarted ??= (async () => {
    try {
      await prepareRuntime();
    } catch (error) {
      console.error("[switchboard] could not start:", error instanceof Error ? error.message : error);
      process.exit(1);
    }
  })();
  return globalForServer.switchboardStarted;
}
