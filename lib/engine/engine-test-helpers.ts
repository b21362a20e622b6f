// Shared by the engine's tests: a scripted tool runner, pipeline files, clients, and waiting for a status.
import fs from "node:fs";
import path from "node:path";
import { prisma } from "@/lib/db";
import { workspaceDir } from "@/lib/env";
import type { StepRunner, ToolStepRequest, ToolStepResult } from "@/lib/engine/step-runner";

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

/**
 * Tools of the server "test": echo {message} -> "Echo: message"; json {value} -> structuredContent;
 * sleep {ms, message?} waits (abortable); fail {message} -> isError; throw {message} throws.
 */
export class ScriptedRunner implements StepRunner {
  readonly calls: RecordedCall[] = [];
  /** step ids whose next call returns isError once */
  readonly failNext = new Set<string>();
  active = 0;
  maxActive = 0;

  async runTool(req: ToolStepRequest): Promise<ToolStepResult> {
    const { signal, onProgress: _onProgress, runStepId: _runStepId, timeoutMs: _timeoutMs, ...recorded } = req;
    this.calls.push(recorded);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
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
        case "fail":
          return { content: [{ type: "text", text: String(args.message ?? "it failed") }], isError: true };
        default:
          throw new Error(String(args.message ?? `unknown tool ${req.tool}`));
      }
    } finally {
      this.active -= 1;
    }
  }
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function waitForRunStatus(runId: string, statuses: string[], timeoutMs = 10_000) {
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
