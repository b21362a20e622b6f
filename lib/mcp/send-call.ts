// Sending a tool call through the pool: arguments checked against the tool's input schema first, a
// timeout that resets on progress (with a hard maximum) and stops while a person is asked, cancellation,
// the call's trace context, a task followed to its end (tasks.ts), and a server's input_required handed
// back to the caller. Recording each call before it is sent is calls.ts's.
import "server-only";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { isInputRequiredResult, ProtocolError, SdkError, SdkErrorCode, TRACEPARENT_META_KEY, TRACESTATE_META_KEY, type Tool } from "@modelcontextprotocol/client";
import { getMcpPool } from "@/lib/mcp/pool";
import { toolHash } from "@/lib/mcp/pins";
import { trustedTool } from "@/lib/mcp/tool-trust";
import { redactText, redactValue } from "@/lib/mcp/redact";
import { toolResultText } from "@/lib/mcp/tool-result";
import { answerTask, callToolAsTask, followTaskAnswer, type resumableTask, resumeTask, type TaskOutcome, type TaskRequester, type TaskUpdate } from "@/lib/mcp/tasks";
import { callsAsTask, taskOfCallResult } from "@/lib/mcp/task-wire";
import { callTraceContext } from "@/lib/mcp/trace";
import { type InputContinuation, type InputHandler, type InputRequired, inputRequiredAsk, redactAsk, UnanswerableInputRequest } from "@/lib/mcp/input-requests";

const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_TOTAL_MS = 10 * 60_000;

export type ToolProgress = { progress: number; total?: number; message?: string };

export type CallToolRequest = {
  /** the client whose servers (and then the workspace's) are used; none for the workspace's only */
  clientSlug?: string | null;
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxTotalTimeoutMs?: number;
  onProgress?: (progress: ToolProgress) => void;
  /**
   * the call runs after an approval step: it is blocked when the tool changed since an admin accepted it,
   * as a destructive tool's call always is
   */
  requireAcceptedPin?: boolean;
  /** a call answered with a task (tasks.ts): each new status and status message of the task */
  onTask?: (update: TaskUpdate) => void;
  /** an abort for which reason leaves a task under way running (a shutdown, a lost lease); any other abort cancels it */
  keepTaskOnAbort?: (reason: unknown) => boolean;
  /** the run and step the call belongs to, for its trace context (a recorded call takes its own) */
  trace?: { runId?: string | null; runStepId?: string | null };
  /**
   * A person answers the server's questions during this call (an old server's elicitation/create): the
   * call stays open meanwhile, and its no-answer timeout stops while the question waits. Without it, such a
   * question is cancelled.
   */
  onInput?: InputHandler;
  /** a 2026-07-28 server may answer `input_required`: the result carries it (`inputRequired`) instead of an error */
  allowInputRequired?: boolean;
  /** the same call again, with a person's answer and the server's requestState (after `inputRequired`) */
  continuation?: InputContinuation;
};

/** How long a call may wait in all for people's answers to its server's questions, beyond its own maximum. */
const INPUT_WAIT_MAX_MS = 60 * 60_000;

/**
 * `outcomeUnknown`: the call was sent and no answer came back (a timeout, a cancel mid-call, a lost
 * connection): the server may or may not have acted on it.
 */
export type ToolCallResult = {
  content: unknown[];
  structuredContent?: unknown;
  isError: boolean;
  error?: string;
  durationMs: number;
  outcomeUnknown?: boolean;
  /** the server needs a person's input before it goes on (only with `allowInputRequired`): nothing was done yet */
  inputRequired?: InputRequired;
};

/** No answer and no progress in time (the call's own clock, which stops while a person is asked). */
class CallTimedOut extends Error {}

/** A call's no-answer timer: reset by progress, stopped while its server's question waits for a person. */
class CallClock {
  private timer: NodeJS.Timeout | null = null;
  private paused = 0;

  constructor(
    private readonly idleMs: number,
    private readonly onExpire: () => void,
  ) {
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.paused === 0 ? setTimeout(this.onExpire, this.idleMs) : null;
  }

  progress(): void {
    if (this.paused === 0) this.arm();
  }

  pause(): void {
    this.paused += 1;
    this.arm();
  }

  resume(): void {
    this.paused -= 1;
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/** The `_meta` key that carries a call's idempotency key, for servers that de-duplicate by it. */
export const IDEMPOTENCY_META_KEY = "io.switchboard/idempotency-key";

/** Refusals before anything is sent: unknown tool, bad arguments, a changed tool that is blocked. */
export class ToolCallRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolCallRefused";
  }
}

// ajv-formats is CommonJS: its default export arrives wrapped under some loaders
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: false, strict: false, validateFormats: true }));
// servers built on zod 4 (e.g. @playwright/mcp) declare "$schema": draft 2020-12, which the default Ajv
// (draft-07) refuses to compile; those schemas get a 2020-12 instance
const ajv2020 = addFormats(new Ajv2020({ allErrors: false, strict: false, validateFormats: true }) as unknown as Ajv);
const validators = new Map<string, ValidateFunction>();

function validatorFor(tool: Tool): ValidateFunction {
  const key = toolHash(tool);
  let v = validators.get(key);
  if (!v) {
    const draft2020 = typeof tool.inputSchema.$schema === "string" && tool.inputSchema.$schema.includes("2020-12");
    v = (draft2020 ? ajv2020 : ajv).compile(tool.inputSchema);
    validators.set(key, v);
  }
  return v;
}

/** Checks arguments against the tool's input schema; the message names the field. */
export function checkArguments(server: string, tool: Tool, args: Record<string, unknown>): void {
  const validate = validatorFor(tool);
  if (validate(args)) return;
  const e = validate.errors?.[0];
  const field = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : (e?.params as { missingProperty?: string })?.missingProperty;
  throw new ToolCallRefused(`Invalid arguments for ${server}/${tool.name}: ${field ? `${field}: ` : ""}${e?.message ?? "do not match the tool's input schema"}`);
}

function errorMessage(error: unknown, timeoutMs: number): string {
  if (error instanceof SdkError) {
    if (error.code === SdkErrorCode.RequestTimeout) return `Timed out: no answer or progress for ${Math.round(timeoutMs / 1000)} s`;
    if (error.code === SdkErrorCode.ConnectionClosed) return "The MCP server closed the connection during the call (it stopped or crashed); the next call starts it again";
    if (error.code === SdkErrorCode.UnsupportedResultType) return "The tool asked for input, which this call cannot give";
  }
  if (error instanceof ProtocolError || error instanceof SdkError) return error.message.replace(/^MCP error -?\d+: /, "");
  if (error instanceof Error) return error.name === "AbortError" ? "Cancelled" : error.message;
  return String(error);
}

/** Finds the tool on its server (connecting on first use) and checks it may be called with these arguments. */
export async function prepareCall(req: Pick<CallToolRequest, "clientSlug" | "server" | "tool" | "arguments" | "requireAcceptedPin">) {
  const pool = getMcpPool();
  const entry = await pool.resolve(req.server, req.clientSlug);
  const verdict = await trustedTool(pool, entry, req.tool, req.requireAcceptedPin === true);
  if (!verdict.ok) throw new ToolCallRefused(verdict.error);
  const { tool } = verdict;
  checkArguments(req.server, tool, req.arguments);
  return { pool, entry, tool };
}

export type PreparedCall = Awaited<ReturnType<typeof prepareCall>>;

/** Calls a tool and returns its result; a JSON-RPC error and an isError result are both failures with the server's message. */
export async function callTool(req: CallToolRequest): Promise<ToolCallResult> {
  return sendCall(await prepareCall(req), req);
}

/**
 * Whether a call that ended in `error` may have reached the server and acted. A JSON-RPC error is the
 * server's answer (it did not act, or said so); a timeout, an abort or a dropped connection is not.
 */
function isOutcomeUnknown(error: unknown, aborted: boolean): boolean {
  if (aborted) return true;
  // the server's own answer: it did not act, or said so
  if (error instanceof ProtocolError) return false;
  if (error instanceof SdkError) {
    // thrown before anything is written to the transport
    if (error.code === SdkErrorCode.NotConnected) return false;
    // an answer came, of a kind this call could not take (input asked for): the server has not finished.
    // A malformed answer (InvalidResult) may follow what the tool did: unknown, like a lost answer.
    if (error.code === SdkErrorCode.UnsupportedResultType) return false;
  }
  return true;
}

/** A call's `_meta`: its idempotency key, and its place in the run's trace (traceparent, tracestate). */
function callMeta(req: CallToolRequest, idempotencyKey: string | undefined, callId: string | undefined): Record<string, string> {
  const trace = callTraceContext({ runId: req.trace?.runId, runStepId: req.trace?.runStepId, callId });
  return {
    ...(idempotencyKey ? { [IDEMPOTENCY_META_KEY]: idempotencyKey } : {}),
    [TRACEPARENT_META_KEY]: trace.traceparent,
    ...(trace.tracestate ? { [TRACESTATE_META_KEY]: trace.tracestate } : {}),
  };
}

/** A tools/call result as a caller gets it: the server's own secrets (its env and headers) redacted. */
function fromToolResult(result: { content?: unknown; structuredContent?: unknown; isError?: unknown } | Record<string, unknown>, entry: PreparedCall["entry"], durationMs: number): ToolCallResult {
  // a server's own secrets (its env and headers) never leave this module: a tool may echo them back
  const content = Array.isArray(result.content) ? (redactValue(result.content, entry.secrets) as unknown[]) : [];
  const isError = result.isError === true;
  return {
    content,
    structuredContent: result.structuredContent === undefined ? undefined : redactValue(result.structuredContent, entry.secrets),
    isError,
    error: isError ? redactText(toolResultText({ content }) || "The tool reported an error", entry.secrets) : undefined,
    durationMs,
  };
}

/**
 * A call of a task tool (tasks.ts), or the polling of a task stored before a restart (`resume`): the
 * task's end as a result, or as an error that may have acted (a cancel, a lost task) or not.
 */
export async function sendTaskCall(
  { pool, entry }: PreparedCall,
  req: CallToolRequest,
  call: {
    idempotencyKey?: string;
    toolCallId?: string;
    resume?: NonNullable<Awaited<ReturnType<typeof resumableTask>>>;
    answer?: Record<string, unknown>;
    /** with `resume`: the task asked for input and a person answered; sent with tasks/update */
    continuation?: InputContinuation;
  },
): Promise<ToolCallResult> {
  const timeout = req.timeoutMs ?? entry.resolved?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  const { client, conn } = await pool.client(entry);
  // only a fresh call can be "not sent": a resumed or answered task was sent long ago, and the poller's
  // abort path sends tasks/cancel (or leaves the task to whoever resumes it)
  if (req.signal?.aborted && !call.resume && !call.answer) return { content: [], isError: true, error: "Cancelled before it was sent", durationMs: 0 };
  const ctx = {
    client: client as unknown as TaskRequester,
    busy: <T>(request: () => Promise<T>) => pool.busy(conn, request),
    entry,
    toolCallId: call.toolCallId,
    signal: req.signal,
    timeoutMs: timeout,
    onTask: req.onTask,
    keepTaskOnAbort: req.keepTaskOnAbort,
    allowInputRequired: req.allowInputRequired,
  };
  let outcome: TaskOutcome;
  // a 2025-11-25 task asks its questions with elicitation/create on the tasks/result stream: the pool gives
  // them to the one call under way on the connection, this one (old style: the step's held wait)
  const untrack = pool.trackCall(conn, { onInput: req.onInput });
  try {
    if (call.resume && call.continuation) outcome = await answerTask(ctx, call.resume, call.continuation);
    else if (call.resume) outcome = await resumeTask(ctx, call.resume);
    else if (call.answer) outcome = await followTaskAnswer(ctx, call.answer);
    else outcome = await callToolAsTask(ctx, { name: req.tool, arguments: req.arguments, _meta: callMeta(req, call.idempotencyKey, call.toolCallId) });
  } catch (error) {
    const aborted = req.signal?.aborted === true;
    const message = aborted ? "Cancelled" : redactText(errorMessage(error, timeout), entry.secrets);
    return { content: [], isError: true, error: message, durationMs: performance.now() - started, outcomeUnknown: isOutcomeUnknown(error, aborted) };
  } finally {
    untrack();
  }
  const durationMs = performance.now() - started;
  // the task asks a person (2026-07-28, tasks/get's inputRequests): the caller waits for the answer, then answerTask
  if (outcome.ok === "input") return { content: [], isError: false, durationMs, inputRequired: redactAsk(outcome.inputRequired, entry.secrets) };
  if (!outcome.ok) return { content: [], isError: true, error: outcome.error, durationMs, outcomeUnknown: outcome.outcomeUnknown || undefined };
  pool.recordLatency(entry, durationMs);
  return fromToolResult(outcome.result, entry, durationMs);
}

export async function sendCall(prepared: PreparedCall, req: CallToolRequest, idempotencyKey?: string, toolCallId?: string): Promise<ToolCallResult> {
  const { pool, entry, tool } = prepared;
  const timeout = req.timeoutMs ?? entry.resolved?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  const { client, conn } = await pool.client(entry);
  if (callsAsTask(tool, client.getServerCapabilities())) return sendTaskCall(prepared, req, { idempotencyKey, toolCallId });
  if (req.signal?.aborted) return { content: [], isError: true, error: "Cancelled before it was sent", durationMs: 0 };
  // The SDK adds an abort listener to the signal it is given and never removes it. A run's signal lives
  // for the whole run, so each call gets its own signal, linked to the caller's only while it runs.
  const callAbort = new AbortController();
  const forward = () => callAbort.abort(req.signal?.reason);
  req.signal?.addEventListener("abort", forward, { once: true });
  const maxTotal = Math.max(timeout, req.maxTotalTimeoutMs ?? DEFAULT_MAX_TOTAL_MS);
  // a call whose server may ask a person keeps its own no-answer clock, which stops while the person is asked
  const onInput = req.onInput;
  const clock = onInput ? new CallClock(timeout, () => callAbort.abort(new CallTimedOut())) : null;
  const untrack = pool.trackCall(conn, {
    onInput: onInput
      ? async (ask) => {
          clock?.pause();
          try {
            return await onInput(ask);
          } finally {
            clock?.resume();
          }
        }
      : undefined,
  });
  const continuation = req.continuation ? { inputResponses: req.continuation.inputResponses, ...(req.continuation.requestState !== undefined ? { requestState: req.continuation.requestState } : {}) } : {};
  try {
    const result = await pool.busy(conn, () =>
      client.callTool(
        { name: req.tool, arguments: req.arguments, _meta: callMeta(req, idempotencyKey, toolCallId), ...continuation },
        {
          timeout: clock ? maxTotal + INPUT_WAIT_MAX_MS : timeout,
          resetTimeoutOnProgress: true,
          maxTotalTimeout: clock ? maxTotal + INPUT_WAIT_MAX_MS : maxTotal,
          signal: callAbort.signal,
          // The SDK checks structured content against the tool's outputSchema after the server answered,
          // and throws: a call that ran would look refused, and Retry would send it again. The answer is
          // the server's, recorded as it came; the listed definition without its outputSchema turns the
          // check off (and keeps the 2026-07-28 Mcp-Param-* headers drawn from the inputSchema).
          toolDefinition: { ...tool, outputSchema: undefined },
          ...(req.allowInputRequired ? { allowInputRequired: true } : {}),
          // a progress message is the server's words like its result: its secrets never reach the run log
          onprogress: (p) => {
            clock?.progress();
            req.onProgress?.({ progress: p.progress, total: p.total, message: p.message === undefined ? undefined : redactText(p.message, entry.secrets) });
          },
        },
      ),
    );
    // a 2026-07-28 server may answer any call with a task (tasks.ts): it is followed to its end
    if (taskOfCallResult(result)) return await sendTaskCall(prepared, req, { toolCallId, answer: result });
    const durationMs = performance.now() - started;
    pool.recordLatency(entry, durationMs);
    if (isInputRequiredResult(result)) {
      // the server asks a person before it goes on (2026-07-28): nothing was done yet
      try {
        const asked = inputRequiredAsk(result);
        return { content: [], isError: false, durationMs, inputRequired: redactAsk(asked, entry.secrets) };
      } catch (error) {
        if (!(error instanceof UnanswerableInputRequest)) throw error;
        return { content: [], isError: true, error: error.message, durationMs };
      }
    }
    return fromToolResult(result, entry, durationMs);
  } catch (error) {
    const durationMs = performance.now() - started;
    const aborted = req.signal?.aborted === true;
    if (!aborted && callAbort.signal.reason instanceof CallTimedOut) {
      return { content: [], isError: true, error: `Timed out: no answer or progress for ${Math.round(timeout / 1000)} s`, durationMs, outcomeUnknown: true };
    }
    const outcomeUnknown = isOutcomeUnknown(error, aborted);
    const message = aborted ? "Cancelled" : redactText(errorMessage(error, timeout), entry.secrets);
    return { content: [], isError: true, error: message, durationMs, outcomeUnknown };
  } finally {
    clock?.stop();
    untrack();
    req.signal?.removeEventListener("abort", forward);
  }
}
