// Long tool calls as MCP tasks. A tool whose `execution.taskSupport` is "required" or "optional" (on a
// server that declares `tasks.requests.tools.call`, revision 2025-11-25) is called with `params.task`,
// and the server answers with a task handle instead of the result; a 2026-07-28 server with the tasks
// extension (io.modelcontextprotocol/tasks) may answer any call with `resultType: "task"`. Either way
// the task is stored with its tool call (ToolTask) before the first poll, then polled with `tasks/get`
// at the server's pollInterval, each new status and status message stored and reported to the caller;
// the result comes from `tasks/result` (2025-11-25) or inline in `tasks/get` (2026-07-28).
// - An abort that is a cancel sends `tasks/cancel`; a shutdown or a lost lease leaves the task running
//   and its call "started", so whoever resumes the step polls the same task (resumeTask).
// - A 2026-07-28 task that needs input (`input_required`, its questions in tasks/get's `inputRequests`) is
//   handed back to a caller that can ask a person (`allowInputRequired`: the engine's tool steps) as an
//   `input_required` outcome, and polling stops; the step waits for input (lib/engine/input-waits.ts). The
//   answer goes to the server with `tasks/update { taskId, inputResponses }` (answerTask) and polling goes on.
//   A key once answered is never asked again (the spec's dedupe across polls, kept across restarts by the
//   answered requests stored with the call). A caller that cannot ask keeps polling, as before.
// - An HTTP server's task outlives Switchboard's restart: the resumed step polls the stored task id and
//   the call is not sent again. A stdio server's task ends with its process, so after a restart the call
//   is an interrupted one under the exactly-once rules (calls.ts: outcome unknown unless the tool is
//   read-only or idempotent).
import "server-only";
import type { z } from "zod";
import { prisma } from "@/lib/db/client";
import type { ServerEntry } from "@/lib/mcp/config";
import { getMcpPool } from "@/lib/mcp/pool";
import { redactText } from "@/lib/mcp/redact";
import { AnyResultSchema as AnyResult, WireTaskSchema as TaskSchema, type WireTask } from "@/lib/mcp/tasks.schema";
import { RELATED_TASK_META_KEY, type TaskWire, taskOfCallResult } from "@/lib/mcp/task-wire";
import { type InputContinuation, type InputRequired, inputRequiredAsk, UnanswerableInputRequest } from "@/lib/mcp/input-requests";

export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** What a caller is told whenever a task's status or status message changes (secrets redacted). */
export type TaskUpdate = { taskId: string; server: string; status: TaskStatus; statusMessage: string | null };

/** A task's status as GET /api/runs/<id> shows it on a step. */
export type StepTaskView = { id: string; server: string; status: TaskStatus; statusMessage: string | null; updatedAt: Date };

const TERMINAL: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);
export const isTerminalTaskStatus = (status: string) => TERMINAL.has(status);

const DEFAULT_POLL_MS = 1_000;
const MIN_POLL_MS = 100;
const MAX_POLL_MS = 30_000;
/** the lifetime asked for a 2025-11-25 task; the server may shorten it */
const REQUESTED_TTL_MS = 24 * 60 * 60_000;
const CANCEL_TIMEOUT_MS = 10_000;
/** a status message longer than this is cut (a server's words, shown on the run page and kept per task) */
const STATUS_MESSAGE_MAX = 1_000;
/** tasks/get failures in a row (an HTTP server briefly away) before the outcome is called unknown */
const MAX_POLL_FAILURES = 5;

/** The part of an MCP client used here: the generic request of the v1 and v2 clients alike. */
export type TaskRequester = {
  request(request: { method: string; params?: Record<string, unknown> }, resultSchema: z.ZodType, options?: { signal?: AbortSignal; timeout?: number }): Promise<unknown>;
};

/** A raw tools/call answer, or an error with whether the call may have acted. */
export type TaskOutcome =
  | { ok: true; result: Record<string, unknown> }
  | { ok: false; error: string; outcomeUnknown: boolean }
  /** a 2026-07-28 task asks for input (only with `allowInputRequired`): polling stopped; answerTask goes on */
  | { ok: "input"; inputRequired: InputRequired };

type TaskContext = {
  client: TaskRequester;
  /** runs a request as one of the connection's calls in flight (no idle close meanwhile) */
  busy: <T>(request: () => Promise<T>) => Promise<T>;
  entry: ServerEntry;
  /** the recorded call: its task is stored with it; none for an unrecorded call */
  toolCallId?: string;
  signal?: AbortSignal;
  /** each request's own timeout */
  timeoutMs: number;
  onTask?: (update: TaskUpdate) => void;
  /** an abort for which reason leaves the task running (a shutdown, a lost lease); otherwise it is cancelled */
  keepTaskOnAbort?: (reason: unknown) => boolean;
  /** a 2026-07-28 task that asks for input is handed back (`ok: "input"`) instead of polled on */
  allowInputRequired?: boolean;
};

function pollMs(task: WireTask): number {
  const ms = task.pollIntervalMs ?? task.pollInterval ?? DEFAULT_POLL_MS;
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ms));
}

function asStatus(status: string): TaskStatus {
  return (["working", "input_required", "completed", "failed", "cancelled"] as const).find((s) => s === status) ?? "working";
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs one request with a signal of its own, linked to the caller's only while it runs: the SDK adds an
 * abort listener to the signal it is given and never removes it, and a run's signal outlives thousands
 * of polls.
 */
async function linked<T>(outer: AbortSignal | undefined, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController();
  const forward = () => own.abort(outer?.reason);
  if (outer?.aborted) own.abort(outer.reason);
  else outer?.addEventListener("abort", forward, { once: true });
  try {
    return await send(own.signal);
  } finally {
    outer?.removeEventListener("abort", forward);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^MCP error -?\d+: /, "") : String(error);
}

/** -32602: the server does not know the task (never created, expired, or from another session). */
function isUnknownTask(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === -32602;
}

/** The server's status message as stored and shown: its secrets redacted, its length bounded. */
function statusMessageOf(task: WireTask, entry: ServerEntry): string | null {
  if (task.statusMessage === undefined) return null;
  const text = redactText(task.statusMessage, entry.secrets);
  return text.length > STATUS_MESSAGE_MAX ? `${text.slice(0, STATUS_MESSAGE_MAX)}…` : text;
}

class TaskPoller {
  private state: { status: TaskStatus; statusMessage: string | null; pollIntervalMs: number | null };
  /** a 2025-11-25 task's tasks/result, asked for early once it needs input (see run) */
  private pendingResult: Promise<TaskOutcome | "aborted"> | null = null;
  /** ends that early tasks/result when polling ends without it (a lost task, an abort) */
  private readonly polling = new AbortController();
  /** the inputRequests keys already answered (2026-07-28): never asked again */
  private readonly answered = new Set<string>();

  constructor(
    private readonly ctx: TaskContext,
    private readonly taskId: string,
    private readonly wire: TaskWire,
    private readonly rowId: string | null,
    initial: WireTask,
  ) {
    this.state = { status: asStatus(initial.status), statusMessage: this.message(initial), pollIntervalMs: initial.pollIntervalMs ?? initial.pollInterval ?? null };
  }

  private message(task: WireTask): string | null {
    return statusMessageOf(task, this.ctx.entry);
  }

  private report() {
    this.ctx.onTask?.({ taskId: this.taskId, server: this.ctx.entry.name, status: this.state.status, statusMessage: this.state.statusMessage });
  }

  /** Stores a status that changed (and tells the caller); the same status again writes nothing. */
  private async observe(task: WireTask): Promise<void> {
    const next = {
      status: asStatus(task.status),
      statusMessage: this.message(task) ?? (task.status === this.state.status ? this.state.statusMessage : null),
      pollIntervalMs: task.pollIntervalMs ?? task.pollInterval ?? this.state.pollIntervalMs,
    };
    if (next.status === this.state.status && next.statusMessage === this.state.statusMessage) return;
    this.state = next;
    if (this.rowId) {
      await prisma.toolTask.update({ where: { id: this.rowId }, data: { status: next.status, statusMessage: next.statusMessage, pollIntervalMs: next.pollIntervalMs, updatedAt: new Date() } });
    }
    this.report();
  }

  private request(method: string, params: Record<string, unknown>, schema: z.ZodType, timeout = this.ctx.timeoutMs, stop?: AbortSignal) {
    const outer = stop ? AbortSignal.any([stop, ...(this.ctx.signal ? [this.ctx.signal] : [])]) : this.ctx.signal;
    return this.ctx.busy(() => linked(outer, (signal) => this.ctx.client.request({ method, params }, schema, { signal, timeout })));
  }

  /** Polls until the task ends (or the caller aborts), then fetches its result. */
  async run(initial: WireTask): Promise<TaskOutcome> {
    try {
      if (this.wire === "2026-07-28" && this.ctx.toolCallId) {
        // answered before (perhaps by another worker, before a restart): the server may not show it yet
        const rows = await prisma.stepInputRequest.findMany({ where: { toolCallId: this.ctx.toolCallId, status: { in: ["answered", "delivered"] } }, select: { inputKey: true } });
        for (const row of rows) if (row.inputKey !== null) this.answered.add(row.inputKey);
      }
      return await this.poll(initial);
    } finally {
      this.polling.abort();
    }
  }

  private async poll(initial: WireTask): Promise<TaskOutcome> {
    const { signal, entry } = this.ctx;
    this.report();
    let task = initial;
    let failures = 0;
    while (!isTerminalTaskStatus(task.status)) {
      if (!(await sleep(pollMs(task), signal))) return this.aborted();
      try {
        task = TaskSchema.parse(await this.request("tasks/get", { taskId: this.taskId }, TaskSchema));
        failures = 0;
        await this.observe(task);
        // a 2025-11-25 server delivers a task's requests for input (elicitation/create) on the tasks/result
        // stream only: it is opened now, for the client's own handler of them, and polling goes on
        if (this.wire === "2025-11-25" && task.status === "input_required") this.pendingResult ??= this.fetchResult(REQUESTED_TTL_MS, this.polling.signal);
      } catch (error) {
        if (signal?.aborted) return this.aborted();
        if (isUnknownTask(error)) return { ok: false, outcomeUnknown: true, error: `The server no longer knows task ${this.taskId} (${redactText(errorText(error), entry.secrets)}): its outcome is unknown` };
        failures += 1;
        // a stdio server that went away took its task with it; an HTTP server may be back soon
        if (entry.transport === "stdio" || failures >= MAX_POLL_FAILURES) {
          return { ok: false, outcomeUnknown: true, error: `Polling task ${this.taskId} failed: ${redactText(errorText(error), entry.secrets)}` };
        }
        continue;
      }
      // a 2026-07-28 task asks its questions in tasks/get: handed to a caller that can ask a person
      if (this.wire === "2026-07-28" && task.status === "input_required") {
        const asked = await this.askFor(task);
        if (asked) return asked;
      }
    }
    return this.finished(task);
  }

  /**
   * The outcome for a 2026-07-28 task in `input_required`: its one unanswered form elicitation, for a caller
   * that can ask; null to poll on (nobody to ask, or every question already answered and not yet taken in).
   * A question no form can answer (sampling, a URL, several at once) cancels the task.
   */
  private async askFor(task: WireTask): Promise<TaskOutcome | null> {
    if (!this.ctx.allowInputRequired) return null;
    const requests = task.inputRequests && typeof task.inputRequests === "object" ? (task.inputRequests as Record<string, unknown>) : {};
    const open = Object.fromEntries(Object.entries(requests).filter(([key]) => !this.answered.has(key)));
    if (Object.keys(open).length === 0) return null;
    try {
      return { ok: "input", inputRequired: inputRequiredAsk({ inputRequests: open, requestState: task.requestState }) };
    } catch (error) {
      if (!(error instanceof UnanswerableInputRequest)) throw error;
      await this.cancel();
      return { ok: false, outcomeUnknown: true, error: `${error.message}; task ${this.taskId} was cancelled` };
    }
  }

  /** Sends a person's answer with tasks/update (2026-07-28), then polls on to the task's end. */
  async answer(initial: WireTask, continuation: InputContinuation): Promise<TaskOutcome> {
    const { entry, signal } = this.ctx;
    const params = { taskId: this.taskId, inputResponses: continuation.inputResponses, ...(continuation.requestState !== undefined ? { requestState: continuation.requestState } : {}) };
    try {
      await this.request("tasks/update", params, AnyResult);
    } catch (error) {
      if (signal?.aborted) return this.aborted();
      const why = isUnknownTask(error) ? `the server no longer knows task ${this.taskId}` : `tasks/update of task ${this.taskId} failed`;
      return { ok: false, outcomeUnknown: true, error: `The answer could not be sent: ${why} (${redactText(errorText(error), entry.secrets)}); its outcome is unknown` };
    }
    for (const key of Object.keys(continuation.inputResponses)) this.answered.add(key);
    return this.run(initial);
  }

  private async finished(task: WireTask): Promise<TaskOutcome> {
    const { entry, signal } = this.ctx;
    const message = this.state.statusMessage;
    if (task.status === "cancelled") return { ok: false, outcomeUnknown: true, error: `The server cancelled task ${this.taskId}${message ? `: ${message}` : ""}` };
    if (task.status === "failed") {
      const detail = (task.error as { message?: unknown } | undefined)?.message;
      return { ok: false, outcomeUnknown: false, error: redactText(message ?? (typeof detail === "string" ? detail : `Task ${this.taskId} failed`), entry.secrets) };
    }
    if (this.wire === "2026-07-28") {
      if (task.result && typeof task.result === "object") return { ok: true, result: task.result as Record<string, unknown> };
      return { ok: false, outcomeUnknown: true, error: `Task ${this.taskId} completed without a result` };
    }
    const outcome = await (this.pendingResult ?? this.fetchResult(this.ctx.timeoutMs));
    if (outcome === "aborted" || signal?.aborted) return this.aborted();
    return outcome;
  }

  /** tasks/result (2025-11-25): the task's CallToolResult, without the related-task `_meta` the server adds. */
  private async fetchResult(timeout: number, stop?: AbortSignal): Promise<TaskOutcome | "aborted"> {
    const { entry, signal } = this.ctx;
    try {
      const result = (await this.request("tasks/result", { taskId: this.taskId }, AnyResult, timeout, stop)) as Record<string, unknown>;
      const { _meta, ...rest } = result;
      const meta = _meta && typeof _meta === "object" ? Object.fromEntries(Object.entries(_meta).filter(([k]) => k !== RELATED_TASK_META_KEY)) : undefined;
      return { ok: true, result: meta && Object.keys(meta).length ? { ...rest, _meta: meta } : rest };
    } catch (error) {
      if (signal?.aborted || stop?.aborted) return "aborted";
      return { ok: false, outcomeUnknown: true, error: `Task ${this.taskId} ended, but its result could not be fetched: ${redactText(errorText(error), entry.secrets)}` };
    }
  }

  /** The caller aborted: a cancel sends tasks/cancel; a shutdown or a lost lease leaves the task to whoever resumes it. */
  private async aborted(): Promise<TaskOutcome> {
    const reason = this.ctx.signal?.reason;
    if (this.ctx.keepTaskOnAbort?.(reason)) return { ok: false, outcomeUnknown: true, error: `Interrupted while task ${this.taskId} was under way; it is left running on the server` };
    await this.cancel();
    return { ok: false, outcomeUnknown: true, error: "Cancelled" };
  }

  async cancel(): Promise<void> {
    if (this.rowId) await prisma.toolTask.update({ where: { id: this.rowId }, data: { cancelSentAt: new Date() } }).catch(() => undefined);
    try {
      const answer = (await this.ctx.busy(() => this.ctx.client.request({ method: "tasks/cancel", params: { taskId: this.taskId } }, AnyResult, { timeout: CANCEL_TIMEOUT_MS }))) as Record<string, unknown>;
      // 2025-11-25 answers with the task; 2026-07-28 with an empty acknowledgement, then one look at the task
      const parsed = TaskSchema.safeParse(answer);
      const task = parsed.success
        ? parsed.data
        : await this.ctx
            .busy(() => this.ctx.client.request({ method: "tasks/get", params: { taskId: this.taskId } }, TaskSchema, { timeout: CANCEL_TIMEOUT_MS }))
            .then((got) => TaskSchema.parse(got))
            .catch(() => ({ taskId: this.taskId, status: this.state.status, statusMessage: "Cancel sent" }));
      await this.observe(task);
    } catch (error) {
      // the task may have ended meanwhile (a terminal task cannot be cancelled): the cancel stays recorded as sent
      console.error(`[mcp] tasks/cancel of ${this.ctx.entry.name} task ${this.taskId} failed: ${redactText(errorText(error), this.ctx.entry.secrets)}`);
    }
  }
}

/** Stores the task with its call before the first poll; the row's id. */
async function storeTask(ctx: TaskContext, task: WireTask, wire: TaskWire): Promise<string | null> {
  if (!ctx.toolCallId) return null;
  const row = await prisma.toolTask.create({
    data: {
      toolCallId: ctx.toolCallId,
      taskId: task.taskId,
      server: ctx.entry.name,
      scope: ctx.entry.scope,
      transport: ctx.entry.transport ?? "stdio",
      wire,
      status: asStatus(task.status),
      statusMessage: statusMessageOf(task, ctx.entry),
      pollIntervalMs: task.pollIntervalMs ?? task.pollInterval ?? null,
      ttlMs: task.ttlMs ?? task.ttl ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

/**
 * Sends a tools/call as a task (2025-11-25: `params.task`), stores the task the server answers with, and
 * polls it to its end. A server that answers with a plain result (it chose not to make a task) is fine.
 */
export async function callToolAsTask(ctx: TaskContext, call: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> }): Promise<TaskOutcome> {
  // an error thrown here is the call's own (send-call.ts tells a refusal from a call that may have acted)
  const answer = (await ctx.busy(() =>
    linked(ctx.signal, (signal) => ctx.client.request({ method: "tools/call", params: { ...call, task: { ttl: REQUESTED_TTL_MS } } }, AnyResult, { signal, timeout: ctx.timeoutMs })),
  )) as Record<string, unknown>;
  return followTaskAnswer(ctx, answer);
}

/** A tools/call answer: polled to its end when it is a task, returned as it is when it is a result. */
export async function followTaskAnswer(ctx: TaskContext, answer: Record<string, unknown>): Promise<TaskOutcome> {
  const handle = taskOfCallResult(answer);
  if (!handle) return { ok: true, result: answer };
  const rowId = await storeTask(ctx, handle.task, handle.wire);
  return new TaskPoller(ctx, handle.task.taskId, handle.wire, rowId, handle.task).run(handle.task);
}

/** The task stored with a call, when its polling may resume after a restart: an HTTP server's, not yet ended by a cancel. */
export async function resumableTask(toolCallId: string) {
  const task = await prisma.toolTask.findUnique({ where: { toolCallId } });
  if (!task || task.transport === "stdio" || task.cancelSentAt !== null || task.status === "cancelled") return null;
  return task;
}

/**
 * Resumes polling the task stored with a call that was started before a restart (or by a worker that
 * lost its run): nothing is sent again but tasks/get (and tasks/result).
 */
export async function resumeTask(ctx: TaskContext, task: NonNullable<Awaited<ReturnType<typeof resumableTask>>>): Promise<TaskOutcome> {
  const initial: WireTask = { taskId: task.taskId, status: task.status, statusMessage: task.statusMessage ?? undefined, pollIntervalMs: task.pollIntervalMs ?? undefined };
  const poller = new TaskPoller(ctx, task.taskId, task.wire === "2026-07-28" ? "2026-07-28" : "2025-11-25", task.id, initial);
  // a status stored as terminal is read again: the result is the server's to give
  return poller.run({ ...initial, status: isTerminalTaskStatus(task.status) ? "working" : task.status, pollIntervalMs: MIN_POLL_MS });
}

/** The task of a call that waits for a person's answer to its question (any transport): null for a plain input_required call. */
export async function answerableTask(toolCallId: string) {
  const task = await prisma.toolTask.findUnique({ where: { toolCallId } });
  if (task?.wire !== "2026-07-28" || task.cancelSentAt !== null || isTerminalTaskStatus(task.status)) return null;
  return task;
}

/**
 * Answers the question of a task stored with a call (the step waited for input, perhaps across a restart):
 * tasks/update with the person's answer, then polling on to the task's end. Nothing else is sent again.
 */
export async function answerTask(ctx: TaskContext, task: NonNullable<Awaited<ReturnType<typeof answerableTask>>>, continuation: InputContinuation): Promise<TaskOutcome> {
  const initial: WireTask = { taskId: task.taskId, status: task.status, statusMessage: task.statusMessage ?? undefined, pollIntervalMs: task.pollIntervalMs ?? undefined };
  return new TaskPoller(ctx, task.taskId, "2026-07-28", task.id, initial).answer({ ...initial, pollIntervalMs: MIN_POLL_MS }, continuation);
}

/**
 * Sends tasks/cancel for the tasks of a run's unfinished calls that no worker is polling: a run cancelled
 * while queued or while its worker was dead (an HTTP server's task outlives it). A stdio server's task
 * ended with its process. Failures are logged: a cancel is cooperative, and the run is cancelled anyway.
 */
export async function cancelStoredTasks(runId: string): Promise<number> {
  const rows = await prisma.toolTask.findMany({
    // a stdio server's task ended with its process, unless its step waits for input in this one
    where: {
      toolCall: { runId, status: { in: ["started", "unknown", "waiting"] } },
      cancelSentAt: null,
      OR: [{ transport: { not: "stdio" } }, { toolCall: { status: "waiting" } }],
      status: { notIn: [...TERMINAL] },
    },
  });
  return cancelRows(rows);
}

/**
 * Sends tasks/cancel for the task of a call that will never be answered or polled again (an agent step's
 * call whose task asked for input: the step stops, and its rerun makes a new call). 0 when it has none.
 */
export async function cancelTaskOfCall(toolCallId: string): Promise<number> {
  return cancelRows(await prisma.toolTask.findMany({ where: { toolCallId, cancelSentAt: null, status: { notIn: [...TERMINAL] } } }));
}

async function cancelRows(rows: Awaited<ReturnType<typeof prisma.toolTask.findMany>>): Promise<number> {
  let sent = 0;
  for (const row of rows) {
    try {
      const pool = getMcpPool();
      const entry = await pool.resolve(row.server, row.scope === "global" ? null : row.scope);
      if (entry.scope !== row.scope) continue; // the server it was sent to is no longer configured
      const { client, conn } = await pool.client(entry);
      const ctx: TaskContext = { client: client as unknown as TaskRequester, busy: (request) => pool.busy(conn, request), entry, timeoutMs: CANCEL_TIMEOUT_MS };
      const wire = row.wire === "2026-07-28" ? "2026-07-28" : "2025-11-25";
      await new TaskPoller(ctx, row.taskId, wire, row.id, { taskId: row.taskId, status: row.status, statusMessage: row.statusMessage ?? undefined }).cancel();
      sent += 1;
    } catch (error) {
      console.error(`[mcp] could not cancel task ${row.taskId} of ${row.server}: ${errorText(error)}`);
    }
  }
  return sent;
}

/** The latest task of each of these steps' tool calls, for the run page and GET /api/runs/<id>. */
export async function tasksOfSteps(runStepIds: string[]): Promise<Map<string, StepTaskView>> {
  if (runStepIds.length === 0) return new Map();
  const rows = await prisma.toolTask.findMany({
    where: { toolCall: { runStepId: { in: runStepIds } } },
    orderBy: { createdAt: "asc" },
    select: { taskId: true, server: true, status: true, statusMessage: true, updatedAt: true, toolCall: { select: { runStepId: true } } },
  });
  const byStep = new Map<string, StepTaskView>();
  for (const row of rows) {
    if (row.toolCall.runStepId) byStep.set(row.toolCall.runStepId, { id: row.taskId, server: row.server, status: asStatus(row.status), statusMessage: row.statusMessage, updatedAt: row.updatedAt });
  }
  return byStep;
}
