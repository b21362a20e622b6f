// A tool call of an agent step that fails (the tool's error result, or the pool failing: its server
// unavailable, no answer in time) ends the step: an agent that goes on builds on a result it never got,
// and the operator would find out only from its prose. A refusal (a tool the step does not list,
// arguments that do not match the schema) is not a failure: the agent reads it and can do better.
import "server-only";
import { prisma } from "@/lib/db/client";

export class GatewayToolFailed extends Error {
  constructor(
    readonly server: string,
    readonly tool: string,
    detail: string,
  ) {
    super(`Tool ${server}/${tool} failed: ${detail || "the tool reported an error"}`);
    this.name = "GatewayToolFailed";
  }
}

/**
 * The step's first failed call as the gateway recorded it. The HTTP gateway (codex) may serve the call
 * in another process than the step's worker, so the record is how the worker learns of it. A call the
 * step itself aborted (cancel, timeout) is not the tool's failure.
 */
export async function recordedToolFailure(runStepId: string): Promise<GatewayToolFailed | null> {
  const row = await prisma.toolCall.findFirst({
    where: { runStepId, OR: [{ status: "failed" }, { status: "unknown", NOT: { error: "Cancelled" } }] },
    orderBy: { startedAt: "asc" },
    select: { server: true, tool: true, error: true },
  });
  return row ? new GatewayToolFailed(row.server, row.tool, row.error ?? "") : null;
}

/**
 * Reads `check` every `intervalMs` until it finds something, the watch is stopped or the signal aborts;
 * calls `onFound` once. One read at a time; a failed read is logged with `what` and tried again.
 */
export function watchRecorded<T>(what: string, check: () => Promise<T | null>, signal: AbortSignal, onFound: (found: T) => void, intervalMs = 250): () => void {
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || signal.aborted) return;
    checking = true;
    try {
      const found = await check();
      if (found && !signal.aborted) {
        clearInterval(timer);
        onFound(found);
      }
    } catch (error) {
      console.error(`[agents] could not check ${what}`, error);
    } finally {
      checking = false;
    }
  }, intervalMs);
  const stop = () => clearInterval(timer);
  signal.addEventListener("abort", stop, { once: true });
  return stop;
}

/** Checks for a recorded failure every `intervalMs` until stopped or the signal aborts; calls `onFailure` once. */
export function watchToolFailures(runStepId: string, signal: AbortSignal, onFailure: (failure: GatewayToolFailed) => void, intervalMs = 250): () => void {
  return watchRecorded("the step's tool calls", () => recordedToolFailure(runStepId), signal, onFailure, intervalMs);
}
