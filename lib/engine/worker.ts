// The worker: claims queued runs (one conditional UPDATE each), executes them, renews their leases,
// honours cancel, beats for /api/health, and on stop lets running steps finish for a grace period.
// Each claim is its own lease holder (`<worker id>:<claim id>`, run-transitions.ts): an executor whose run
// was requeued and claimed again (by another worker, or by this one after it missed its renewals) holds
// nothing, so its renewals and writes fail and it stops; one run never has two executors here.
import "server-only";
import { randomUUID } from "node:crypto";
import { dbReady } from "@/lib/db/client";
import { Liveness } from "@/lib/db/liveness";
import { claimOwner, claimRuns, endRunNow, interruptRun, readRunControl, renewLease, type Claim } from "@/lib/engine/run-transitions";
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

/** `owner`: the claim's lease holder, which every write of its executor names. */
type ActiveRun = { owner: string; controller: AbortController; done: Promise<RunOutcome | "error"> };

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
          // a run this worker executes is its own even when its lease ran out (the process slept or its
          // event loop was blocked): its executor renews it next; another process may still take it over
          const report = await recoverInterruptedRuns({ recoverer: this.id, leaseMs: this.leaseMs, skip: (runId) => this.active.has(runId) });
          const found = report.resumed.length + report.failed.length + report.cancelled.length;
          if (found) console.log(`[worker] runs left by a stopped worker: ${report.resumed.length} resumed, ${report.failed.length} failed, ${report.cancelled.length} cancelled`);
        }
        // every free slot in one claim transaction (one commit), repeated while runs keep coming
        while (!this.stopping && this.active.size < this.concurrency) {
          const claims = await claimRuns(() => claimOwner(this.id), this.leaseMs, this.concurrency - this.active.size);
          for (const claim of claims) this.launch(claim);
          if (claims.length === 0) break;
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

  /**
   * Executes a claimed run. A run still active here (its earlier claim's executor has not stopped yet: the
   * run was requeued and claimed again) is never executed twice at once: that executor holds nothing any
   * more and is aborted, and this claim's executor starts once it has stopped.
   */
  private launch({ runId, owner }: Claim): void {
    const runner = this.runner;
    if (!runner) throw new Error("Worker.start() must run before runs are launched");
    const superseded = this.active.get(runId);
    superseded?.controller.abort(new RunAbort("lease-lost"));
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
            if (!(await renewLease(runId, owner, this.leaseMs))) controller.abort(new RunAbort("lease-lost"));
          }
          const state = await readRunControl(runId);
          if (state?.cancelRequested) controller.abort(new RunAbort("cancel"));
          // requeued (and perhaps claimed again) or taken over: the next renewal would fail, stop now
          else if (state && state.leaseOwner !== owner && (state.status === "running" || state.status === "queued")) controller.abort(new RunAbort("lease-lost"));
        } catch (error) {
          console.error("[worker] lease/cancel check failed", error);
        } finally {
          checking = false;
        }
      },
      Math.min(this.controlMs, this.leaseMs / 3),
    );
    const execute = () => executeRun(runId, { workerId: owner, runner, signal: controller.signal, shouldYield: () => this.stopping });
    const started = superseded ? superseded.done.then(execute) : execute();
    const entry: ActiveRun = {
      owner,
      controller,
      done: started
        .catch(async (error: unknown) => {
          console.error(`[worker] run ${runId} failed unexpectedly`, error);
          await this.failUnexpectedly(runId, owner).catch((e: unknown) => console.error("[worker] could not mark the run failed", e));
          return "error" as const;
        })
        .finally(() => {
          clearInterval(control);
          if (this.active.get(runId) === entry) this.active.delete(runId);
          this.wake();
        }),
    };
    this.active.set(runId, entry);
  }

  private async failUnexpectedly(runId: string, owner: string): Promise<void> {
    const message = "The worker hit an unexpected error; the details are in the server log. Retry to resume.";
    await endRunNow(runId, owner, { status: "failed", message, error: message, runningSteps: { status: "failed", error: message } });
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
      await interruptRun(runId, run.owner, "Interrupted by shutdown").catch((e: unknown) => console.error("[worker] could not mark a run interrupted", e));
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
