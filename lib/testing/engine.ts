// Shared by the engine's tests: a scripted tool runner, pipeline files, clients, and waiting for a status.
import fs from "node:fs";
import path from "node:path";
import { prisma, writeTransaction } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { DEFAULT_WAIT_MS, waitFor } from "@/lib/testing/wait-for";
import { StepNotStarted, type ToolStepRunner, type ToolStepRequest, type ToolStepResult } from "@/lib/engine/tool-step-runner";

export const ACTOR = { id: null, label: "Test" };

export function writePipeline(slug: string, yaml: string): void {
  const dir = path.join(workspaceDir(), "pipelines");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${slug}.yaml`), yaml);
}

export async function ensureClient(slug: string, options: { archived?: boolean } = {}) {
  fs.mkdirSync(path.join(workspaceDir(), "clients", slug), { recursive: true });
  return prisma.client.upsert({
    where: { slug },
    create: { slug, name: slug.toUpperCase(), archivedAt: options.archived ? new Date() : null },
    update: { archivedAt: options.archived ? new Date() : null },
    select: { id: true, slug: true },
  });
}

export type RecordedCall = Pick<ToolStepRequest, "runId" | "stepId" | "attempt" | "server" | "tool" | "arguments" | "idempotencyKey" | "clientSlug">;

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves when opened, or rejects when the signal aborts first. */
function gated(gate: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    void gate.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

/**
 * Tools of the server "test": echo {message} -> "Echo: message"; json {value} -> structuredContent;
 * sleep {ms, message?} waits (abortable); block {message?} waits until the test calls `openGate()` or
 * the call is aborted, so a test decides when a step ends instead of racing a timer;
 * fail {message} -> isError; throw {message} throws.
 */
export class ScriptedRunner implements ToolStepRunner {
  /**
   * As the MCP runner does, it commits the step's start itself (`request.startStep`) before it "sends" the
   * call, so engine tests run the path production runs: a step whose start is refused (its run is no
   * longer this worker's) is never called, and the engine sees StepNotStarted.
   */
  readonly startsSteps = true;
  readonly calls: RecordedCall[] = [];
  /** step ids whose next call returns isError once */
  readonly failNext = new Set<string>();
  active = 0;
  maxActive = 0;
  /** the most calls in flight at once for each client slug ("" for none) */
  readonly maxActiveByClient = new Map<string, number>();
  private readonly activeByClient = new Map<string, number>();
  private openGateNow: () => void = () => undefined;
  private gate = new Promise<void>((resolve) => (this.openGateNow = resolve));

  /** Called once the step's start is committed, before the call is "sent" (a subclass logs it). */
  protected started(_req: ToolStepRequest): void {}

  /** Lets every blocked call (and every later one) finish. */
  openGate(): void {
    this.openGateNow();
  }

  /** Blocks later "block" calls again (after `openGate`). */
  closeGate(): void {
    this.gate = new Promise<void>((resolve) => (this.openGateNow = resolve));
  }

  async runTool(req: ToolStepRequest): Promise<ToolStepResult> {
    const { signal, onProgress: _onProgress, runStepId: _runStepId, timeoutMs: _timeoutMs, startStep, ...recorded } = req;
    if (startStep && !(await writeTransaction((db) => startStep(db)))) throw new StepNotStarted();
    this.started(req);
    this.calls.push(recorded);
    const client = req.clientSlug ?? "";
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.activeByClient.set(client, (this.activeByClient.get(client) ?? 0) + 1);
    this.maxActiveByClient.set(client, Math.max(this.maxActiveByClient.get(client) ?? 0, this.activeByClient.get(client) ?? 0));
    try {
      const args = req.arguments;
      if (this.failNext.delete(req.stepId)) return { content: [{ type: "text", text: `planned failure of ${req.stepId}` }], isError: true };
      switch (req.tool) {
        case "echo":
          return { content: [{ type: "text", text: `Echo: ${String(args.message)}` }], isError: false };
        case "json":
          return { content: [{ type: "text", text: JSON.stringify(args.value) }], structuredContent: args.value, isError: false };
        case "sleep":
          for (let i = 1; i <= 4; i++) {
            await abortable(Number(args.ms ?? 100) / 4, signal);
            req.onProgress({ progress: i, total: 4, message: "sleeping" });
          }
          return { content: [{ type: "text", text: String(args.message ?? "slept") }], isError: false };
        case "block":
          await gated(this.gate, signal);
          return { content: [{ type: "text", text: String(args.message ?? "released") }], isError: false };
        case "fail":
          return { content: [{ type: "text", text: String(args.message ?? "it failed") }], isError: true };
        default:
          throw new Error(String(args.message ?? `unknown tool ${req.tool}`));
      }
    } finally {
      this.active -= 1;
      this.activeByClient.set(client, (this.activeByClient.get(client) ?? 1) - 1);
    }
  }
}

export function waitForRunStatus(runId: string, statuses: string[], timeoutMs = DEFAULT_WAIT_MS) {
  return waitFor(
    async () => {
      const run = await prisma.run.findUnique({ where: { id: runId }, select: { status: true, error: true } });
      return run && statuses.includes(run.status) ? run : null;
    },
    timeoutMs,
    `run ${runId} to be ${statuses.join("|")}`,
  );
}

export async function stepRows(runId: string) {
  return prisma.runStep.findMany({
    where: { runId },
    orderBy: [{ position: "asc" }, { attempt: "asc" }],
    select: { id: true, stepId: true, attempt: true, status: true, outputJson: true, error: true },
  });
}
