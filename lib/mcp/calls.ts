// Tool calls through the pool: arguments checked against the tool's input schema first, a timeout that
// resets on progress (with a hard maximum), cancellation, and every call recorded before it is sent.
import "server-only";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { isInputRequiredResult, ProtocolError, SdkError, SdkErrorCode, TRACEPARENT_META_KEY, TRACESTATE_META_KEY, type Tool } from "@modelcontextprotocol/client";
import { randomUUID } from "node:crypto";
import { prepared as preparedStatement, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import { getMcpPool } from "@/lib/mcp/pool";
import { toolHash } from "@/lib/mcp/pins";
import { trustedTool } from "@/lib/mcp/tool-trust";
import { redactText, redactValue } from "@/lib/mcp/redact";
import { toolResultText } from "@/lib/mcp/tool-result";
import { answerableTask, answerTask, callToolAsTask, followTaskAnswer, resumableTask, resumeTask, type TaskOutcome, type TaskRequester, type TaskUpdate } from "@/lib/mcp/tasks";
import { callsAsTask, taskOfCallResult } from "@/lib/mcp/task-wire";
import { callTraceContext } from "@/lib/mcp/trace";
import { type InputContinuation, type InputHandler, type InputRequired, inputRequiredAsk, UnanswerableInputRequest } from "@/lib/mcp/input-requests";

const RESULT_STORE_MAX_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_TOTAL_MS = 10 * 60_000;

export type ToolProgress = { progress: number; total?: number; message?: string };

type CallToolRequest = {
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

/** A call was sent before (a crash in between) and may have had its effect; a human must decide. */
export class OutcomeUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutcomeUnknownError";
  }
}

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
    // an answer came, of a kind this call could not take (input asked for): the server has not finished
    if (error.code === SdkErrorCode.UnsupportedResultType || error.code === SdkErrorCode.InvalidResult) return false;
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
async function sendTaskCall(
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
  if (req.signal?.aborted) return { content: [], isError: true, error: "Cancelled before it was sent", durationMs: 0 };
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
  if (outcome.ok === "input") return { content: [], isError: false, durationMs, inputRequired: { ...outcome.inputRequired, message: redactText(outcome.inputRequired.message, entry.secrets) } };
  if (!outcome.ok) return { content: [], isError: true, error: outcome.error, durationMs, outcomeUnknown: outcome.outcomeUnknown || undefined };
  pool.recordLatency(entry, durationMs);
  return fromToolResult(outcome.result, entry, durationMs);
}

async function sendCall(prepared: PreparedCall, req: CallToolRequest, idempotencyKey?: string, toolCallId?: string): Promise<ToolCallResult> {
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
        return { content: [], isError: false, durationMs, inputRequired: { ...asked, message: redactText(asked.message, entry.secrets) } };
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

/** Keeps a result under the storage limit: oversized results keep their text head and note the full size. */
function limitResult(result: Pick<ToolCallResult, "content" | "structuredContent" | "isError">): { json: string; bytes: number; truncated: boolean; content: unknown[]; structuredContent?: unknown } {
  const json = JSON.stringify({ content: result.content, structuredContent: result.structuredContent, isError: result.isError });
  const bytes = Buffer.byteLength(json);
  if (bytes <= RESULT_STORE_MAX_BYTES) return { json, bytes, truncated: false, content: result.content, structuredContent: result.structuredContent };
  const head = toolResultText(result).slice(0, RESULT_STORE_MAX_BYTES / 2);
  const content = [{ type: "text", text: `${head}\n… [truncated: the full result was ${bytes} bytes]` }];
  return { json: JSON.stringify({ content, isError: result.isError, truncated: true, bytes }), bytes, truncated: true, content };
}

type RecordedCallRequest = CallToolRequest & {
  runId?: string;
  runStepId?: string;
  /**
   * derived from run, step and approved version. A call with this key that has a result is never sent
   * again (the result is reused); one that started without a result is sent again only when the tool is
   * read-only or idempotent (`safeToRepeat`), otherwise the caller gets OutcomeUnknownError.
   */
  idempotencyKey?: string;
  readOnlyOrIdempotent?: boolean;
  /**
   * An error result of a tool that is not safe to repeat counts as an unknown outcome (recorded as
   * "unknown", so no retry re-sends it under its key): the server may have acted before it failed.
   */
  errorMeansUnknown?: boolean;
  /**
   * Return the write of the call's result as `finish` instead of committing it, for a caller that
   * commits it together with its own writes (the engine, with the step's result: one fsync fewer).
   * Until `finish` commits, the call stays recorded as started, as if the process had died mid-call.
   */
  deferFinish?: boolean;
  /**
   * The caller's writes, committed in the same transaction as the call's "started" record (the engine's
   * step start: one commit fewer). When it returns false the transaction is rolled back and nothing is
   * recorded or sent: CallNotStarted.
   */
  recordWith?: (db: Sqlite) => boolean;
  /**
   * The recorded call `toolCallId` came back `input_required` (recorded as `waiting`: the server did
   * nothing yet) and a person answered: it is sent again, as the same record, with the continuation.
   */
  resume?: { toolCallId: string | null; continuation: InputContinuation };
};

/** A database write not yet run, for the caller's own `writeTransaction` (or `writeTransaction(write)`). */
export type PendingWrite = (db: Sqlite) => void;

/** The caller's `recordWith` declined (the engine no longer holds the step): nothing was recorded or sent. */
export class CallNotStarted extends Error {
  constructor() {
    super("The call was not started: its step is no longer this worker's");
    this.name = "CallNotStarted";
  }
}

class Declined extends Error {}

/** Records the call as started (with the caller's writes, in one commit); null when the key was already used. */
async function recordStart(req: RecordedCallRequest, link: { runId: string | null; runStepId: string | null }, scope: string, storedArgs: string): Promise<string | null> {
  try {
    return await writeTransaction((db) => {
      if (req.recordWith && !req.recordWith(db)) throw new Declined();
      const row = preparedStatement(
        db,
        `INSERT INTO "ToolCall" ("id", "runId", "runStepId", "idempotencyKey", "server", "scope", "tool", "argumentsJson", "status", "startedAt")
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'started', ?) ON CONFLICT ("idempotencyKey") DO NOTHING RETURNING "id"`,
      ).get(randomUUID(), link.runId, link.runStepId, req.idempotencyKey ?? null, req.server, scope, req.tool, storedArgs, sqlDate(new Date())) as { id: string } | undefined;
      return row?.id ?? null;
    });
  } catch (error) {
    if (error instanceof Declined) throw new CallNotStarted();
    throw error;
  }
}

/** Marks a call that asked for input as started again (with the caller's writes); false when it no longer waits. */
async function recordResume(req: RecordedCallRequest, toolCallId: string): Promise<boolean> {
  try {
    return await writeTransaction((db) => {
      if (req.recordWith && !req.recordWith(db)) throw new Declined();
      return preparedStatement(db, `UPDATE "ToolCall" SET "status" = 'started', "startedAt" = ?, "finishedAt" = NULL WHERE "id" = ? AND "status" = 'waiting'`).run(sqlDate(new Date()), toolCallId).changes === 1;
    });
  } catch (error) {
    if (error instanceof Declined) throw new CallNotStarted();
    throw error;
  }
}

export type RecordedCallResult = ToolCallResult & { toolCallId: string; runId: string | null; reused: boolean; truncated: boolean; finish?: PendingWrite };

/** A call of this tool may be sent again under the same key: it changes nothing, or nothing more. */
function safeToRepeat(req: Pick<RecordedCallRequest, "readOnlyOrIdempotent">, tool: Tool): boolean {
  return req.readOnlyOrIdempotent === true || tool.annotations?.readOnlyHint === true || tool.annotations?.idempotentHint === true;
}

/**
 * Records the call as started BEFORE sending it, then its result. With an idempotency key, a call that
 * already has a result is not sent again (the result is reused); one that started but never finished is
 * sent again only for read-only or idempotent tools, otherwise OutcomeUnknownError.
 */
export async function callToolRecorded(req: RecordedCallRequest): Promise<RecordedCallResult> {
  return callPreparedRecorded(await prepareCall(req), req);
}

/** callToolRecorded for a call already found and checked (the agents' gateway keeps its tools for the step). */
export async function callPreparedRecorded(prepared: PreparedCall, req: RecordedCallRequest): Promise<RecordedCallResult> {
  const { entry, tool } = prepared;
  const storedArgs = JSON.stringify(redactValue(req.arguments, entry.secrets));
  // a call outside a run (tests, a bare check) is recorded on its own; runs and ad-hoc calls are the engine's
  const link = { runId: req.runId ?? null, runStepId: req.runStepId ?? null };
  // recorded as started before it is sent; the unique idempotency key stops a second send, except of a
  // read-only or idempotent tool whose first send has no result (below). A call that asked for input and
  // was answered goes on as the same record.
  const resume = req.resume?.toolCallId ? { id: req.resume.toolCallId, continuation: req.resume.continuation } : null;
  if (resume && !(await recordResume(req, resume.id))) {
    throw new OutcomeUnknownError(`${req.server}/${req.tool} no longer waits for its answer (it was sent again or ended since). Check the target system, then send it again or skip the step.`);
  }
  // the call's task asked the question (2026-07-28): the answer goes to the task (tasks/update), not as a new call
  const answering = resume ? await answerableTask(resume.id) : null;
  if (resume && answering) {
    const sent = await sendTaskCall(prepared, { ...req, trace: req.trace ?? link }, { toolCallId: resume.id, resume: answering, continuation: resume.continuation });
    return finishRecorded(prepared, req, resume.id, link, sent);
  }
  let toolCallId = resume ? resume.id : await recordStart(req, link, entry.scope, storedArgs);
  if (toolCallId === null) {
    if (!req.idempotencyKey) throw new Error("A tool call without an idempotency key was not recorded");
    const existing = await prisma.toolCall.findUniqueOrThrow({
      where: { idempotencyKey: req.idempotencyKey },
      select: { id: true, runId: true, status: true, resultJson: true, isError: true, error: true, durationMs: true, isTruncated: true },
    });
    // "started" (the process stopped mid-call) and "unknown" (sent, no answer) may both have acted;
    // "waiting" (it asked for input) did nothing yet and is sent again below
    if (existing.status !== "started" && existing.status !== "unknown" && existing.status !== "waiting") {
      const stored = existing.resultJson ? (JSON.parse(existing.resultJson) as { content?: unknown[]; structuredContent?: unknown }) : {};
      return {
        toolCallId: existing.id,
        runId: existing.runId,
        reused: true,
        truncated: existing.isTruncated,
        content: stored.content ?? [],
        structuredContent: stored.structuredContent,
        isError: existing.isError,
        error: existing.error ?? undefined,
        durationMs: existing.durationMs ?? 0,
      };
    }
    // a task of an HTTP server stored with the call before the restart (or one whose question was never
    // answered): poll it, send nothing again; a task that asks again makes the step wait again
    const task = existing.status === "started" || existing.status === "waiting" ? await resumableTask(existing.id) : null;
    if (task) {
      // the call now belongs to the attempt that polls it
      await prisma.toolCall.update({ where: { id: existing.id }, data: { status: "started", ...(link.runStepId ? { runStepId: link.runStepId } : {}) } });
      return finishRecorded(prepared, req, existing.id, link, await sendTaskCall(prepared, req, { toolCallId: existing.id, resume: task }));
    }
    // a call whose task asked (a stdio server's: it ended with its process) did act: it is not sent blindly
    const taskAsked = existing.status === "waiting" && (await prisma.toolTask.count({ where: { toolCallId: existing.id } })) > 0;
    if ((existing.status !== "waiting" || taskAsked) && !safeToRepeat(req, tool)) {
      throw new OutcomeUnknownError(`${req.server}/${req.tool} was sent before Switchboard stopped and its outcome is unknown. Check the target system, then send it again or skip the step.`);
    }
    toolCallId = existing.id;
    await prisma.toolCall.update({ where: { id: existing.id }, data: { status: "started", startedAt: new Date(), argumentsJson: storedArgs } });
  }
  let result: ToolCallResult;
  try {
    result = await sendCall(prepared, { ...req, trace: req.trace ?? link, continuation: resume?.continuation ?? req.continuation }, req.idempotencyKey ?? `adhoc:${toolCallId}`, toolCallId);
  } catch (error) {
    // sendCall throws only before the request is written (no connection): nothing was sent
    await prisma.toolCall.update({
      where: { id: toolCallId },
      data: { status: "failed", isError: true, error: `Not sent: ${redactText(error instanceof Error ? error.message : String(error), entry.secrets)}`, finishedAt: new Date() },
    });
    throw error;
  }
  return finishRecorded(prepared, req, toolCallId, link, result);
}

/** The write of a recorded call's result: committed here, or handed to the caller (`deferFinish`). */
async function finishRecorded(prepared: PreparedCall, req: RecordedCallRequest, toolCallId: string, link: { runId: string | null }, sent: ToolCallResult): Promise<RecordedCallResult> {
  const { entry, tool } = prepared;
  const result = sent.isError && req.errorMeansUnknown && !safeToRepeat(req, tool) ? { ...sent, outcomeUnknown: true } : sent;
  // a call that asked for input keeps the question on its record: the worker of an agent step served by the
  // HTTP gateway (another request, perhaps another process) learns of it there (input-requests.ts)
  const limited = result.inputRequired
    ? (() => {
        const json = JSON.stringify({ content: [], isError: false, inputRequired: { message: result.inputRequired.message, requestedSchema: result.inputRequired.requestedSchema, key: result.inputRequired.key } });
        return { json, bytes: Buffer.byteLength(json), truncated: false, content: [] as unknown[], structuredContent: undefined };
      })()
    : limitResult(result);
  const now = new Date();
  const finishedId = toolCallId;
  const finish: PendingWrite = (db) => {
    preparedStatement(db, `UPDATE "ToolCall" SET "status" = ?, "resultJson" = ?, "resultBytes" = ?, "isTruncated" = ?, "isError" = ?, "error" = ?, "finishedAt" = ?, "durationMs" = ? WHERE "id" = ?`).run(
      result.outcomeUnknown ? "unknown" : result.isError ? "failed" : result.inputRequired ? "waiting" : "succeeded",
      redactText(limited.json, entry.secrets),
      limited.bytes,
      limited.truncated ? 1 : 0,
      result.isError ? 1 : 0,
      result.error ?? null,
      sqlDate(now),
      Math.round(result.durationMs),
      finishedId,
    );
  };
  const recorded = { ...result, content: limited.content, structuredContent: limited.structuredContent, toolCallId, runId: link.runId, reused: false, truncated: limited.truncated };
  if (req.deferFinish) return { ...recorded, finish };
  await writeTransaction(finish);
  return recorded;
}
