// W3C trace context for MCP calls (2026-07-28 carries it in a request's _meta; a 2025-era server sees the
// same keys in _meta, which it may ignore). One trace per run, a span per step and one per call: the ids
// are derived from the rows' own ids, so a run's trace id is the same in every process and after a
// restart, and a server's logs can be matched to the run without a tracing backend. The call's span is
// the traceparent's parent-id; its step's span travels in tracestate as `switchboard=<step span>`.
import "server-only";
import { createHash, randomBytes } from "node:crypto";

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);

/** The trace id of a run: 32 hex digits, never all zeros (sha256 of the run id). */
export function runTraceId(runId: string): string {
  return hex(`switchboard:run:${runId}`, 32);
}

/** The span id of a run's step or of a call: 16 hex digits. */
export function spanId(kind: "step" | "call", id: string): string {
  return hex(`switchboard:${kind}:${id}`, 16);
}

export type TraceContext = { traceparent: string; tracestate?: string };

/**
 * The trace context of one call: in its run's trace, a child of its step's span. A call outside a run
 * (/tools, a test) is a trace of its own.
 */
export function callTraceContext(ids: { runId?: string | null; runStepId?: string | null; callId?: string | null }): TraceContext {
  const callId = ids.callId ?? randomBytes(8).toString("hex");
  const traceId = ids.runId ? runTraceId(ids.runId) : hex(`switchboard:adhoc:${callId}`, 32);
  const traceparent = `00-${traceId}-${spanId("call", callId)}-01`;
  return ids.runStepId ? { traceparent, tracestate: `switchboard=${spanId("step", ids.runStepId)}` } : { traceparent };
}
