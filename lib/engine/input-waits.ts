// A human inside a tool call: a step whose tool asks for input waits as "waiting for input" (the run
// `waiting`, the step `waiting`, its request a StepInputRequest row), and goes on with the answer.
//
// Two kinds of wait, one table:
//   input_required (2026-07-28)  the call came back with `resultType: "input_required"`: the step parks and
//       the run leaves its worker (lease released). The request keeps the call's identity (its ToolCall,
//       recorded as `waiting`) and the server's `requestState`, byte-exact. The answer puts the step back
//       to pending and requeues the run; whichever worker claims it sends the same tools/call again with
//       `inputResponses` and the stored state. It survives a restart: nothing of it is in memory.
//       A call answered with a 2026-07-28 task whose tasks/get asks (`inputRequests`) parks the same way;
//       its retry sends the answer with `tasks/update` and polls the task on (lib/mcp/tasks.ts).
//   elicitation (old style)      the server sent `elicitation/create` in the middle of the call, which stays
//       open: the run waits with its worker still holding the lease (renewed as for a running run), the
//       worker polls the request, and the answer resumes the run and goes back to the server as the
//       handler's result. It lives only as long as the call: if the worker dies, its lease expires and
//       recovery ends the step as an interrupted call (abandonHeldWaits), and the next attempt follows the
//       usual exactly-once rules (outcome unknown unless the tool is read-only or idempotent).
// An agent step whose tool asks (either kind) ends as "needs input" (origin "agent"): the run releases its
// worker, and the answer reruns the agent step (a new attempt) with the answer appended to its prompt.
//
// Every transition is one conditional UPDATE on the run's or the request's status, in one transaction
// with the step, the request, the run's event and (for a new wait) the `run.input-needed` outbox row. An
// answer is claimed by one UPDATE (pending -> answered): of ten concurrent answers one wins, nine get 409.
import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { prepared, prisma, sqlDate, sqlite, writeTransaction, type Sqlite } from "@/lib/db/client";
import { NotFoundError, SafeError } from "@/lib/errors";
import type { EngineActor } from "@/lib/engine/engine.schema";
import { insertRunEvent, runEventRow } from "@/lib/engine/run-events";
import { notifyRun, RUN_HELD_NOT_CANCELLING } from "@/lib/engine/run-transitions";
import { wakeLocalWorkers } from "@/lib/engine/worker-registry";
import { checkInputContent, GatewayInputNeeded, type InputAction, type InputAnswer, type InputAsk, type InputContinuation, type InputRequired } from "@/lib/mcp/input-requests";
import { watchRecorded } from "@/lib/mcp/gateway-failure";

export type InputRequestKind = "elicitation" | "input_required";
export type InputRequestOrigin = "tool" | "agent";

/** What a step parks with: the server's ask and, for input_required, what the retry needs. */
export type NewInputRequest = InputAsk & {
  kind: InputRequestKind;
  origin: InputRequestOrigin;
  server?: string;
  tool?: string;
  toolCallId?: string;
  /** input_required only */
  inputRequired?: Pick<InputRequired, "key" | "inputRequests" | "requestState">;
};

const INTERRUPTED = JSON.stringify({ interrupted: true });
const POLL_MS = 150;
/** A pending attempt whose call asked for input and was answered: it sends the call again with the answer. */
const ANSWERED_MARKER = JSON.stringify({ inputAnswered: true });
/** A step's outputJson while it waits for input (its marker: lib/engine/run-status.ts reads it). */
export function waitingMarker(requestId: string): string {
  return JSON.stringify({ waitingForInput: true, requestId });
}

function newRequestId(): string {
  return `in${randomBytes(12).toString("hex")}`;
}

// ---------------------------------------------------------------------------------------------------
// wait

/**
 * wait: the run `owner` holds waits for input, inside a `writeTransaction`. `keepLease`: an old-style wait
 * whose call stays open in this worker (the lease is kept and renewed); otherwise the run leaves its
 * worker. The step, the request, the event and the outbox row are written only when `owner` held the run
 * and no cancel was asked for. Returns the request's id, or null when the run was no longer this claim's
 * or is being cancelled (then the caller ends it cancelled: the worker aborts the step).
 */
export function parkForInput(db: Sqlite, runId: string, owner: string, step: { id: string; stepId: string }, request: NewInputRequest, options: { keepLease: boolean }, now = new Date()): string | null {
  const at = sqlDate(now);
  const { changes } = prepared(
    db,
    `UPDATE "Run" SET "status" = 'waiting', "updatedAt" = @now,
      "leaseOwner" = CASE WHEN @keep = 1 THEN "leaseOwner" ELSE NULL END,
      "leaseExpiresAt" = CASE WHEN @keep = 1 THEN "leaseExpiresAt" ELSE NULL END
    WHERE ${RUN_HELD_NOT_CANCELLING}`,
  ).run({ runId, owner, keep: options.keepLease ? 1 : 0, now: at });
  if (changes !== 1) return null;
  const id = newRequestId();
  prepared(
    db,
    `UPDATE "RunStep" SET "status" = 'waiting', "outputJson" = @marker, "error" = NULL, "startedAt" = COALESCE("startedAt", @now)
    WHERE "id" = @runStepId AND "status" IN ('running', 'pending')`,
  ).run({ runStepId: step.id, marker: waitingMarker(id), now: at });
  prepared(
    db,
    `INSERT INTO "StepInputRequest" ("id", "runId", "runStepId", "stepId", "kind", "origin", "status", "message", "schemaJson", "inputKey", "inputRequestsJson",
      "requestState", "toolCallId", "server", "tool", "workerId", "requestedAt")
    VALUES (@id, @runId, @runStepId, @stepId, @kind, @origin, 'pending', @message, @schemaJson, @inputKey, @inputRequestsJson, @requestState, @toolCallId, @server, @tool, @workerId, @now)`,
  ).run({
    id,
    runId,
    runStepId: step.id,
    stepId: step.stepId,
    kind: request.kind,
    origin: request.origin,
    message: request.message.slice(0, 4_000),
    schemaJson: JSON.stringify(request.requestedSchema),
    inputKey: request.inputRequired?.key ?? null,
    // not kept: nothing reads it back (the retry needs only the key and requestState), and it is the
    // server's words as sent, unbounded and not redacted
    inputRequestsJson: null,
    requestState: request.inputRequired?.requestState ?? null,
    toolCallId: request.toolCallId ?? null,
    server: request.server ?? null,
    tool: request.tool ?? null,
    workerId: options.keepLease ? owner : null,
    now: at,
  });
  const what = request.server ? `${request.server}/${request.tool}` : "A tool";
  const why = `${what} asks for input${request.message ? `: ${request.message}` : ""}`;
  insertRunEvent(db, runEventRow(runId, "status", `Step "${step.stepId}" waits for input: ${why}`, { runStepId: step.id, data: { inputRequestId: id, kind: request.kind } }), now);
  notifyRun(db, runId, "run.input-needed", `run.input-needed:${id}`, why, now);
  return id;
}

// ---------------------------------------------------------------------------------------------------
// answer

/** `requestId`: the question answered; without it, the newest open one (of `stepId`, when given). */
export type AnswerInput = { runId: string; requestId?: string | null; stepId?: string | null; action: InputAction; content?: unknown; actor: EngineActor };

type PendingRow = { id: string; runStepId: string; stepId: string; kind: InputRequestKind; origin: InputRequestOrigin; schemaJson: string; clientId: string | null };

/** The open request of a waiting run: `requestId` exactly, when given; else the newest (of `stepId`, when given). */
async function openRequest(runId: string, requestId?: string | null, stepId?: string | null): Promise<PendingRow | null> {
  const db = await sqlite();
  const row = prepared(
    db,
    `SELECT i."id", i."runStepId", i."stepId", i."kind", i."origin", i."schemaJson", r."clientId"
    FROM "StepInputRequest" i JOIN "RunStep" s ON s."id" = i."runStepId" JOIN "Run" r ON r."id" = i."runId"
    WHERE i."runId" = @runId AND i."status" = 'pending' AND s."status" = 'waiting' AND r."status" = 'waiting'
      AND (@requestId IS NULL OR i."id" = @requestId) AND (@stepId IS NULL OR i."stepId" = @stepId)
    ORDER BY i."requestedAt" DESC LIMIT 1`,
  ).get({ runId, requestId: requestId ?? null, stepId: stepId ?? null }) as PendingRow | undefined;
  return row ?? null;
}

/**
 * A person's answer to the run's open input request, taken exactly once: the claim is one conditional
 * UPDATE (pending -> answered, while its step and run still wait), so concurrent answers get one winner
 * and a 409 each for the rest. A durable wait (input_required, an agent's) then puts its step back to
 * pending and requeues the run in the same transaction; an old-style wait is resumed by the worker that
 * holds its call. `content` is checked against the requested schema first (400 naming the field).
 * With `requestId` only that request is claimed (409 once it is no longer the open one): a late answer
 * from a page that showed an earlier question is never taken as the answer to the next.
 */
export async function answerInput(input: AnswerInput): Promise<{ answered: true; requestId: string; stepId: string }> {
  const run = await prisma.run.findUnique({ where: { id: input.runId }, select: { status: true } });
  if (!run) throw new NotFoundError("No such run");
  const request = await openRequest(input.runId, input.requestId, input.stepId);
  if (!request) {
    if (input.requestId && run.status === "waiting") {
      throw new SafeError("This question is no longer open: it was answered already, or the tool asked again (reload to see its question)", 409);
    }
    throw new SafeError(`This run is not waiting for input${input.stepId ? ` at step "${input.stepId}"` : ""} (it is ${run.status}); it may have been answered already`, 409);
  }
  let contentJson: string | null = null;
  if (input.action === "accept") {
    const problem = checkInputContent(JSON.parse(request.schemaJson), input.content ?? {});
    if (problem) throw new SafeError(`The answer does not fit what the tool asked for: ${problem}`, 400);
    contentJson = JSON.stringify(input.content ?? {});
  }
  const by = input.actor.label || "someone";
  const claimed = await writeTransaction((db) => {
    const now = new Date();
    const at = sqlDate(now);
    const { changes } = prepared(
      db,
      `UPDATE "StepInputRequest" SET "status" = 'answered', "action" = @action, "contentJson" = @contentJson, "answeredById" = @byId, "answeredByLabel" = @by, "answeredAt" = @now
      WHERE "id" = @id AND "runId" = @runId AND "status" = 'pending'
        AND EXISTS (SELECT 1 FROM "RunStep" s WHERE s."id" = @runStepId AND s."status" = 'waiting')
        AND EXISTS (SELECT 1 FROM "Run" r WHERE r."id" = @runId AND r."status" = 'waiting')`,
    ).run({ id: request.id, runId: input.runId, runStepId: request.runStepId, action: input.action, contentJson, byId: input.actor.id ?? null, by, now: at });
    if (changes !== 1) return false;
    if (request.origin === "agent") {
      // the agent step runs again, as a new attempt (its tokens and cost stay with the attempt that spent
      // them), with the answer in its prompt
      prepared(db, `UPDATE "RunStep" SET "status" = 'failed', "finishedAt" = @now, "error" = @note, "outputJson" = @marker WHERE "id" = @runStepId AND "status" = 'waiting'`).run({
        runStepId: request.runStepId,
        now: at,
        note: `Stopped to ask a person; ${by} ${input.action === "accept" ? "answered" : input.action === "decline" ? "declined to answer" : "cancelled the question"}, and the step runs again with that`,
        marker: JSON.stringify({ neededInput: true }),
      });
      prepared(
        db,
        `INSERT INTO "RunStep" ("id", "runId", "stepId", "position", "kind", "status", "attempt")
        SELECT 'rs' || lower(hex(randomblob(12))), s."runId", s."stepId", s."position", s."kind", 'pending', s."attempt" + 1 FROM "RunStep" s WHERE s."id" = ?`,
      ).run(request.runStepId);
    } else if (request.kind === "input_required") {
      // the same attempt sends its call again with the answer (the same record and idempotency key); its
      // marker tells the executor to look the answer up (a step without it costs no extra read)
      prepared(db, `UPDATE "RunStep" SET "status" = 'pending', "outputJson" = ?, "error" = NULL WHERE "id" = ? AND "status" = 'waiting'`).run(ANSWERED_MARKER, request.runStepId);
    }
    if (request.kind === "input_required" || request.origin === "agent") {
      prepared(
        db,
        `UPDATE "Run" SET "status" = 'queued', "error" = NULL, "updatedAt" = @now
        WHERE "id" = @runId AND "status" = 'waiting' AND NOT EXISTS (SELECT 1 FROM "RunStep" s WHERE s."runId" = "Run"."id" AND s."status" = 'waiting')`,
      ).run({ runId: input.runId, now: at });
    }
    insertRunEvent(db, runEventRow(input.runId, "status", `Input for step "${request.stepId}" ${actionWords(input.action)} by ${by}`, { runStepId: request.runStepId, data: { inputRequestId: request.id } }), now);
    return true;
  });
  if (!claimed) throw new SafeError("This input request was already answered", 409);
  wakeLocalWaiter(request.id);
  wakeLocalWorkers();
  await recordAudit({ actor: input.actor, action: "run.input", targetType: "run", targetId: input.runId, clientId: request.clientId, data: { stepId: request.stepId, action: input.action } });
  return { answered: true, requestId: request.id, stepId: request.stepId };
}

function actionWords(action: InputAction): string {
  return action === "accept" ? "given" : action === "decline" ? "declined" : "cancelled";
}

// ---------------------------------------------------------------------------------------------------
// input_required: the retry

export type AnsweredInput = { id: string; toolCallId: string | null; continuation: InputContinuation };

/** The answered input_required request of a step attempt (marked so by answerInput), for its retry; null when there is none. */
export async function answeredInputFor(attempt: { id: string; outputJson: string | null }): Promise<AnsweredInput | null> {
  if (attempt.outputJson !== ANSWERED_MARKER) return null;
  const db = await sqlite();
  const row = prepared(
    db,
    `SELECT "id", "toolCallId", "inputKey", "requestState", "action", "contentJson" FROM "StepInputRequest"
    WHERE "runStepId" = ? AND "status" = 'answered' AND "kind" = 'input_required' AND "origin" = 'tool' ORDER BY "answeredAt" DESC LIMIT 1`,
  ).get(attempt.id) as { id: string; toolCallId: string | null; inputKey: string | null; requestState: string | null; action: InputAction; contentJson: string | null } | undefined;
  if (!row) return null;
  const answer: InputAnswer = row.action === "accept" ? { action: "accept", content: row.contentJson ? (JSON.parse(row.contentJson) as Record<string, unknown>) : {} } : { action: row.action };
  return {
    id: row.id,
    toolCallId: row.toolCallId,
    continuation: { inputResponses: { [row.inputKey ?? "input"]: answer }, ...(row.requestState !== null ? { requestState: row.requestState } : {}) },
  };
}

/** Inside the transaction of the retry's outcome: its answer has been sent. */
export function markDelivered(db: Sqlite, requestId: string): void {
  prepared(db, `UPDATE "StepInputRequest" SET "status" = 'delivered' WHERE "id" = ? AND "status" = 'answered'`).run(requestId);
}

// ---------------------------------------------------------------------------------------------------
// old style: the wait inside an open call

const globalForWaiters = globalThis as unknown as { switchboardInputWaiters?: Map<string, () => void> };

function waiters(): Map<string, () => void> {
  return (globalForWaiters.switchboardInputWaiters ??= new Map());
}

/** A waiter in this process hears of its answer at once; one in another process reads it at its next poll. */
function wakeLocalWaiter(requestId: string): void {
  waiters().get(requestId)?.();
}

function sleepOrWake(requestId: string, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      waiters().delete(requestId);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    waiters().set(requestId, done);
  });
}

export type HeldWait = { runId: string; owner: string; step: { id: string; stepId: string }; server: string; tool: string; signal: AbortSignal };

/**
 * An old server's `elicitation/create` in the middle of a step's call: parks the run (keeping this
 * worker's lease), waits for the answer, resumes the run, and returns the answer for the server. A run
 * that is no longer this worker's (cancelled, taken over) or a call that ends first gets `cancel`. On a
 * shutdown, the wait ends at once as an interrupted call (abandonHeldWaits), as after a crash.
 */
export async function waitForAnswer(wait: HeldWait, ask: InputAsk): Promise<InputAnswer> {
  if (wait.signal.aborted) return { action: "cancel" };
  const requestId = await writeTransaction((db) => parkForInput(db, wait.runId, wait.owner, wait.step, { ...ask, kind: "elicitation", origin: "tool", server: wait.server, tool: wait.tool }, { keepLease: true }));
  if (!requestId) return { action: "cancel" };
  const db = await sqlite();
  for (;;) {
    if (wait.signal.aborted) {
      if ((wait.signal.reason as { kind?: string } | undefined)?.kind === "shutdown") await abandonHeldWait(wait.runId, wait.owner, "Interrupted by shutdown while the tool waited for input");
      return { action: "cancel" };
    }
    const row = prepared(db, `SELECT "status", "action", "contentJson" FROM "StepInputRequest" WHERE "id" = ?`).get(requestId) as { status: string; action: InputAction | null; contentJson: string | null } | undefined;
    if (!row || (row.status !== "pending" && row.status !== "answered")) return { action: "cancel" };
    if (row.status === "answered") {
      const resumed = await writeTransaction((w) => resumeHeldWait(w, wait, requestId, row.action ?? "cancel"));
      if (!resumed) return { action: "cancel" };
      const action = row.action ?? "cancel";
      return action === "accept" ? { action, content: row.contentJson ? (JSON.parse(row.contentJson) as Record<string, unknown>) : {} } : { action };
    }
    await sleepOrWake(requestId, POLL_MS, wait.signal);
  }
}

/** resume: the waiting run `owner` still holds runs again, its step too; the answer counts as delivered. */
function resumeHeldWait(db: Sqlite, wait: HeldWait, requestId: string, action: InputAction): boolean {
  const at = sqlDate(new Date());
  const { changes } = prepared(db, `UPDATE "Run" SET "status" = 'running', "updatedAt" = @now WHERE "id" = @runId AND "status" = 'waiting' AND "leaseOwner" = @owner`).run({
    runId: wait.runId,
    owner: wait.owner,
    now: at,
  });
  if (changes !== 1) return false;
  prepared(db, `UPDATE "RunStep" SET "status" = 'running', "outputJson" = NULL WHERE "id" = ? AND "status" = 'waiting'`).run(wait.step.id);
  markDelivered(db, requestId);
  insertRunEvent(db, runEventRow(wait.runId, "status", `Step "${wait.step.stepId}" goes on with the answer (${action})`, { runStepId: wait.step.id }));
  return true;
}

const ABANDONED = "Interrupted while the tool waited for input: an old-style request (elicitation/create) lives only as long as its call";

/**
 * requeue, for an old-style wait whose call is gone: the waiting run `owner` held (its lease expired, or it
 * is shutting down) goes back to the queue; its waiting step becomes an interrupted attempt followed by a
 * new pending one (which reuses its idempotency key: the exactly-once rules decide whether it is sent
 * again), and its request expires. `expiredBefore`: only when the lease expired before then.
 */
function abandonHeldWaitTx(db: Sqlite, runId: string, owner: string, reason: string, expiredBefore: Date | null, now = new Date()): boolean {
  const at = sqlDate(now);
  const { changes } = prepared(
    db,
    `UPDATE "Run" SET "status" = 'queued', "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "error" = NULL, "updatedAt" = @now
    WHERE "id" = @runId AND "status" = 'waiting' AND "leaseOwner" = @owner AND (@before IS NULL OR "leaseExpiresAt" IS NULL OR "leaseExpiresAt" < @before)`,
  ).run({ runId, owner, now: at, before: expiredBefore ? sqlDate(expiredBefore) : null });
  if (changes !== 1) return false;
  prepared(
    db,
    `UPDATE "StepInputRequest" SET "status" = 'expired' WHERE "runId" = ? AND "kind" = 'elicitation' AND "status" IN ('pending', 'answered')
      AND "runStepId" IN (SELECT "id" FROM "RunStep" WHERE "runId" = "StepInputRequest"."runId" AND "status" = 'waiting')`,
  ).run(runId);
  const waiting = prepared(db, `SELECT "id" FROM "RunStep" WHERE "runId" = ? AND "status" = 'waiting'`).all(runId) as { id: string }[];
  prepared(db, `UPDATE "RunStep" SET "status" = 'failed', "finishedAt" = @now, "error" = @error, "outputJson" = @marker WHERE "runId" = @runId AND "status" = 'waiting'`).run({
    runId,
    now: at,
    error: reason,
    marker: INTERRUPTED,
  });
  for (const { id } of waiting) {
    prepared(
      db,
      `INSERT INTO "RunStep" ("id", "runId", "stepId", "position", "kind", "status", "attempt")
      SELECT 'rs' || lower(hex(randomblob(12))), s."runId", s."stepId", s."position", s."kind", 'pending', s."attempt" + 1 FROM "RunStep" s WHERE s."id" = ?`,
    ).run(id);
  }
  insertRunEvent(db, runEventRow(runId, "status", `${reason}; the run resumes from that step`), now);
  return true;
}

export function abandonHeldWait(runId: string, owner: string, reason: string): Promise<boolean> {
  return writeTransaction((db) => abandonHeldWaitTx(db, runId, owner, reason, null));
}

/**
 * Recovery: old-style waits whose worker is gone (its lease expired while the run waited) end as
 * interrupted calls and their runs go back to the queue. Safe to call from several workers at once.
 * `skip`: runs the calling worker holds itself (its lease ran out while it slept; it renews it next).
 */
export async function abandonHeldWaits(now = new Date(), skip: (runId: string) => boolean = () => false): Promise<string[]> {
  const stale = await prisma.run.findMany({ where: { status: "waiting", leaseOwner: { not: null }, leaseExpiresAt: { lt: now } }, select: { id: true, leaseOwner: true }, take: 200 });
  const requeued: string[] = [];
  for (const run of stale) {
    if (!run.leaseOwner || skip(run.id)) continue;
    const owner = run.leaseOwner;
    if (await writeTransaction((db) => abandonHeldWaitTx(db, run.id, owner, `${ABANDONED} (its worker stopped)`, now, now))) requeued.push(run.id);
  }
  return requeued;
}

// ---------------------------------------------------------------------------------------------------
// agent steps

/** The answered questions of an agent step (any attempt), oldest first, to append to its prompt. */
export async function agentInputAnswers(runId: string, stepId: string): Promise<{ server: string | null; tool: string | null; message: string; action: InputAction; content: unknown }[]> {
  const rows = await prisma.stepInputRequest.findMany({
    where: { runId, stepId, origin: "agent", status: { in: ["answered", "delivered"] } },
    orderBy: { answeredAt: "asc" },
    select: { server: true, tool: true, message: true, action: true, contentJson: true },
  });
  return rows.map((r) => ({ server: r.server, tool: r.tool, message: r.message, action: (r.action ?? "cancel") as InputAction, content: r.contentJson ? JSON.parse(r.contentJson) : null }));
}

/** The agent's prompt with the answers a person gave to its tools' questions, as context. */
export function promptWithAnswers(prompt: string, answers: Awaited<ReturnType<typeof agentInputAnswers>>): string {
  if (answers.length === 0) return prompt;
  const lines = answers.map((a) => {
    const what = a.server ? `The tool ${a.server}/${a.tool}` : "A tool";
    const said = a.action === "accept" ? `a person answered: ${JSON.stringify(a.content)}` : `a person ${actionWords(a.action)} to answer`;
    return `- ${what} asked "${a.message}"; ${said}.`;
  });
  return `${prompt}\n\n---\nEarlier in this step, a tool asked for a person's input and the step stopped to ask. The answers:\n${lines.join("\n")}\nUse these answers; when you call that tool again, its question is answered with them.`;
}

/**
 * The answer a person gave to `server/tool` asking `message` in an earlier attempt of this agent step (the
 * step reruns with it): the gateway answers the same question with it. Null when there is none.
 */
export async function agentAnswerFor(runId: string, stepId: string, server: string, tool: string, message: string): Promise<InputAnswer | null> {
  const row = await prisma.stepInputRequest.findFirst({
    where: { runId, stepId, origin: "agent", server, tool, message, status: { in: ["answered", "delivered"] } },
    orderBy: { answeredAt: "desc" },
    select: { action: true, contentJson: true },
  });
  const action = row?.action as InputAction | null | undefined;
  if (!action) return null;
  return action === "accept" ? { action, content: row?.contentJson ? (JSON.parse(row.contentJson) as Record<string, unknown>) : {} } : { action };
}

/**
 * The first call of an agent step attempt that asked for input (input_required) and has no answer yet,
 * from its record (status `waiting`, the question in its result): how the worker learns of a call the HTTP
 * gateway served (another request, perhaps another process).
 */
export async function recordedInputNeeded(runId: string, stepId: string, runStepId: string): Promise<GatewayInputNeeded | null> {
  const rows = await prisma.toolCall.findMany({ where: { runStepId, status: "waiting" }, orderBy: { startedAt: "asc" }, select: { id: true, server: true, tool: true, resultJson: true } });
  for (const row of rows) {
    const asked = row.resultJson ? (JSON.parse(row.resultJson) as { inputRequired?: InputAsk }).inputRequired : undefined;
    if (!asked) continue;
    // a question a person already answered is not a new one: the gateway answers it with that answer
    if (await agentAnswerFor(runId, stepId, row.server, row.tool, asked.message)) continue;
    return new GatewayInputNeeded(row.server, row.tool, { message: asked.message, requestedSchema: asked.requestedSchema }, "input_required", row.id);
  }
  return null;
}

/** Checks for a call that asked for input every `intervalMs` until stopped or the signal aborts; calls `onNeed` once. */
export function watchInputNeeded(step: { runId: string; stepId: string; runStepId: string }, signal: AbortSignal, onNeed: (need: GatewayInputNeeded) => void, intervalMs = 250): () => void {
  return watchRecorded("the step's tool calls for a question", () => recordedInputNeeded(step.runId, step.stepId, step.runStepId), signal, onNeed, intervalMs);
}

// ---------------------------------------------------------------------------------------------------
// reads for the pages and the API

export type InputRequestView = {
  id: string;
  runId: string;
  runStepId: string;
  stepId: string;
  kind: InputRequestKind;
  origin: InputRequestOrigin;
  message: string;
  schema: unknown;
  server: string | null;
  tool: string | null;
  requestedAt: Date;
};

const VIEW_SELECT = { id: true, runId: true, runStepId: true, stepId: true, kind: true, origin: true, message: true, schemaJson: true, server: true, tool: true, requestedAt: true } as const;

function toView(r: { schemaJson: string; kind: string; origin: string } & Omit<InputRequestView, "schema" | "kind" | "origin">): InputRequestView {
  const { schemaJson, ...rest } = r;
  return { ...rest, kind: r.kind as InputRequestKind, origin: r.origin as InputRequestOrigin, schema: JSON.parse(schemaJson) };
}

/** The open requests of a run's waiting steps, by step row. */
export async function openInputRequestsOfRun(runId: string): Promise<Map<string, InputRequestView>> {
  const rows = await prisma.stepInputRequest.findMany({ where: { runId, status: "pending" }, select: VIEW_SELECT });
  const waiting = new Set((await prisma.runStep.findMany({ where: { runId, status: "waiting" }, select: { id: true } })).map((s) => s.id));
  return new Map(rows.filter((r) => waiting.has(r.runStepId)).map((r) => [r.runStepId, toView(r)]));
}

/** Every open request of a waiting run, newest first (the Today board). */
export async function listOpenInputRequests(limit = 25) {
  const rows = await prisma.stepInputRequest.findMany({ where: { status: "pending" }, orderBy: { requestedAt: "desc" }, take: limit * 2, select: VIEW_SELECT });
  if (rows.length === 0) return [];
  const runs = await prisma.run.findMany({
    where: { id: { in: rows.map((r) => r.runId) }, status: "waiting" },
    select: { id: true, pipelineName: true, client: { select: { slug: true, name: true } }, steps: { where: { status: "waiting" }, select: { id: true } } },
  });
  const byId = new Map(runs.map((r) => [r.id, r]));
  return rows
    .filter((r) => byId.get(r.runId)?.steps.some((s) => s.id === r.runStepId))
    .slice(0, limit)
    .map((r) => {
      const run = byId.get(r.runId);
      return { ...toView(r), pipelineName: run?.pipelineName ?? "", client: run?.client ?? null };
    });
}
