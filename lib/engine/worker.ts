// The worker: claims queued runs (one conditional UPDATE each), executes them, renews their leases,
// honours cancel, beats for /api/health, and on stop lets running steps finish for a grace period.
import "server-only";
import { randomUUID } from "node:crypto";
import { dbReady } from "@/lib/db/client";
import { Liveness } from "@/lib/db/liveness";
import { claimRuns, endRunNow, interruptRun, readRunControl, renewLease } from "@/lib/engine/run-transitions";
import { executeRun, type RunOutcome } from "@/lib/engine/execute-run";
import { recoverInterruptedRuns } from "@/lib/engine/recovery";
import type { ToolStepRunner } from "@/lib/engine/tool-step-runner";
import { registerLocalWorker, RunAbort, unregisterLocalWorker, type LocalWorker, type RunAbortKind } from "@/lib/engine/worker-registry";

export type WorkerOptions = {
  id?: string;
  /** runs executed at once by this worker (default 4) */
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  beatMs?: number;
  /** how often a running run's cancel flag is read (default 500 ms) */
  controlMs?: number;
  /** the tool-step executor; the MCP pool when not given */
  runner?: ToolStepRunner;
};

type ActiveRun = { controller: AbortController; done: Promise<RunOutcome | "error"> };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function defaultRunner(): Promise<ToolStepRunner> {
  const { McpToolStepRunner } = await import("@/lib/engine/mcp-tool-step-runner");
  return new McpToolStepRunner();
}

export class Worker implements LocalWorker {
  readonly id: string;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly controlMs: number;
  private runner: ToolStepRunner | undefined;
  private readonly active = new Map<string, ActiveRun>();
  private stopping = false;
  private started: Promise<this> | null = null;
  private loopDone: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly liveness: Liveness;

  constructor(options: WorkerOptions = {}) {
    this.id = options.id ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? 4;
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.controlMs = options.controlMs ?? 500;
    this.runner = options.runner;
    this.liveness = new Liveness(this.id, "worker", options.beatMs ?? 5_000);
  }

  get activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Recovers runs left by dead workers, then claims and executes runs until stopped. */
  start(): Promise<this> {
    this.started ??= this.begin();
    return this.started;
  }

  private async begin(): Promise<this> {
    await dbReady();
    this.runner ??= await defaultRunner();
    registerLocalWorker(this);
    await this.liveness.start();
    this.loopDone = this.loop();
    return this;
  }

  wake(): void {
    this.wakeUp?.();
  }

  abortRun(runId: string, kind: RunAbortKind): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.controller.abort(new RunAbort(kind));
    return true;
  }

  private async loop(): Promise<void> {
    let lastRecovery = 0;
    while (!this.stopping) {
      try {
        if (Date.now() - lastRecovery >= this.leaseMs) {
          lastRecovery = Date.now();
          const report = await recoverInterruptedRuns({ recoverer: this.id, leaseMs: this.leaseMs });
          const found = report.resumed.length + report.failed.length + report.cancelled.length;
          if (found) console.log(`[worker] runs left by a stopped worker: ${report.resumed.length} resumed, ${report.failed.length} failed, ${report.cancelled.length} cancelled`);
        }
        // every free slot in one claim transaction (one commit), repeated while runs keep coming
        while (!this.stopping && this.active.size < this.concurrency) {
          const runIds = await claimRuns(this.id, this.leaseMs, this.concurrency - this.active.size);
          for (const runId of runIds) this.launch(runId);
          if (runIds.length === 0) break;
        }
      } catch (error) {
        console.error("[worker] claim loop error", error);
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  private launch(runId: string): void {
    const controller = new AbortController();
    let lastRenew = Date.now();
    let checking = false;
    const control = setInterval(
      async () => {
        if (checking || controller.signal.aborted) return;
        checking = true;
        try {
          if (Date.now() - lastRenew >= this.leaseMs / 3) {
            lastRenew = Date.now();
            if (!(await renewLease(runId, this.id, this.leaseMs))) controller.abort(new RunAbort("lease-lost"));
          }
          const state = await readRunControl(runId);
          if (state?.cancelRequested) controller.abort(new RunAbort("cancel"));
        } catch (error) {
          console.error("[worker] lease/cancel check failed", error);
        } finally {
          checking = false;
        }
      },
      Math.min(this.controlMs, this.leaseMs / 3),
    );
    const runner = this.runner;
    if (!runner) throw new Error("Worker.start() must run before runs are launched");
    const done = executeRun(runId, { workerId: this.id, runner, signal: controller.signal, shouldYield: () => this.stopping })
      .catch(async (error: unknown) => {
        console.error(`[worker] run ${runId} failed unexpectedly`, error);
        await this.failUnexpectedly(runId).catch((e: unknown) => console.error("[worker] could not mark the run failed", e));
        return "error" as const;
      })
      .finally(() => {
        clearInterval(control);
        this.active.delete(runId);
        this.wake();
      });
    this.active.set(runId, { controller, done });
  }

  private async failUnexpectedly(runId: string): Promise<void> {
    const message = "The worker hit an unexpected error; the details are in the server log. Retry to resume.";
    await endRunNow(runId, this.id, { status: "failed", message, error: message, runningSteps: { status: "failed", error: message } });
  }

  /**
   * Stops claiming, lets running steps finish for `graceMs`, then marks the rest failed as interrupted
   * by shutdown (retry resumes them) and aborts their tool calls.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    const graceMs = options.graceMs ?? 10_000;
    this.stopping = true;
    this.wake();
    await this.loopDone;
    const all = () => Promise.all([...this.active.values()].map((r) => r.done));
    await Promise.race([all(), sleep(graceMs)]);
    for (const [runId, run] of this.active) {
      await interruptRun(runId, this.id, "Interrupted by shutdown").catch((e: unknown) => console.error("[worker] could not mark a run interrupted", e));
      run.controller.abort(new RunAbort("shutdown"));
    }
    await Promise.race([all(), sleep(2_000)]);
    unregisterLocalWorker(this);
    await this.liveness.stop();
  }
}

const globalForWorker = globalThis as unknown as { switchboardWorker?: Promise<Worker> };

/** The process's worker (one per process, kept on globalThis), started on first call. */
export function startWorker(options: WorkerOptions = {}): Promise<Worker> {
  globalForWorker.switchboardWorker ??= new Worker(options).start();
  return globalForWorker.switchboardWorker;
}

/** Stops the process's worker (SIGTERM): running steps get `graceMs` to finish. */
export async function stopWorker(options: { graceMs?: number } = {}): Promise<void> {
  const worker = await globalForWorker.switchboardWorker;
  globalForWorker.switchboardWorker = undefined;
  await worker?.stop(options);
}
