// A worker in its own process, for the engine's multi-process and kill -9 tests. It logs every tool call
// it starts and ends to LOG_FILE ("start|end runId stepId attempt key pid"), and stops on SIGTERM.
import fs from "node:fs";
import { ScriptedRunner } from "@/lib/testing/engine";
import type { ToolStepRequest, ToolStepResult } from "@/lib/engine/tool-step-runner";
import { Worker } from "@/lib/engine/worker";

const logFile = process.env.LOG_FILE ?? "/dev/null";

const line = (what: string, req: ToolStepRequest) => fs.appendFileSync(logFile, `${what} ${req.runId} ${req.stepId} ${req.attempt} ${req.idempotencyKey} ${process.pid}\n`);

class LoggingRunner extends ScriptedRunner {
  // logged once the step's start is committed: a start the engine refused made no call
  protected override started(req: ToolStepRequest): void {
    line("start", req);
  }

  override async runTool(req: ToolStepRequest): Promise<ToolStepResult> {
    const result = await super.runTool(req);
    line("end", req);
    return result;
  }
}

const worker = new Worker({
  id: process.env.WORKER_ID,
  runner: new LoggingRunner(),
  pollMs: 20,
  // long: a busy machine must never make a live worker look dead (tests expire leases directly)
  leaseMs: Number(process.env.LEASE_MS ?? 60_000),
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 4),
});
await worker.start();
process.on("SIGTERM", () => {
  void worker.stop({ graceMs: 500 }).then(() => process.exit(0));
});
console.log("ready");
