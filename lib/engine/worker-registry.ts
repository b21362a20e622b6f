// Workers running in this process, on globalThis (route bundles each get their own module copy), so
// queueing or cancelling a run can wake or signal them at once instead of waiting for their next poll.
// Kept apart from worker.ts so queueing a run does not load the executor.

export type RunAbortKind = "cancel" | "shutdown" | "lease-lost";

/** The reason given to a run's AbortSignal. */
export class RunAbort extends Error {
  constructor(readonly kind: RunAbortKind) {
    super(kind === "cancel" ? "Cancelled" : kind === "shutdown" ? "Interrupted by shutdown" : "The run's lease was lost");
    this.name = "RunAbort";
  }
}

export interface LocalWorker {
  readonly id: string;
  wake(): void;
  abortRun(runId: string, kind: RunAbortKind): boolean;
}

const globalForWorkers = globalThis as unknown as { switchboardLocalWorkers?: Set<LocalWorker> };

function workers(): Set<LocalWorker> {
  return (globalForWorkers.switchboardLocalWorkers ??= new Set());
}

export function registerLocalWorker(worker: LocalWorker): void {
  workers().add(worker);
}

export function unregisterLocalWorker(worker: LocalWorker): void {
  workers().delete(worker);
}

export function wakeLocalWorkers(): void {
  for (const worker of workers()) worker.wake();
}

/** Aborts the run if a worker of this process is executing it; false otherwise. */
export function abortLocalRun(runId: string, kind: RunAbortKind): boolean {
  let found = false;
  for (const worker of workers()) found = worker.abortRun(runId, kind) || found;
  return found;
}
