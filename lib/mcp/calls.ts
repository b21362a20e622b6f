// Recorded tool calls: each call is recorded as started before it is sent (send-call.ts sends it), and
// its result after; an idempotency key keeps a call from being sent twice (exactly once where it can
// be, an unknown outcome for a person where it cannot), and a call that waits for input or polls a task
// goes on under the same record.
import "server-only";
import type { Tool } from "@modelcontextprotocol/client";
import { randomUUID } from "node:crypto";
import { prepared as preparedStatement, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import { redactText, redactValue } from "@/lib/mcp/redact";
import { type CallToolRequest, type PreparedCall, prepareCall, sendCall, sendTaskCall, type ToolCallResult } from "@/lib/mcp/send-call";
import { answerableTask, resumableTask } from "@/lib/mcp/tasks";
import type { InputContinuation } from "@/lib/mcp/input-requests";
import { toolResultText } from "@/lib/mcp/tool-result";

const RESULT_STORE_MAX_BYTES = 1024 * 1024;

/** A call was sent before (a crash in between) and may have had its effect; a human must decide. */
export class OutcomeUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutcomeUnknownError";
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
