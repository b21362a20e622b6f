// Executes an `agent:` step: renders its prompt, opens the step's gateway session, runs the named runner
// with the step's limits (max_turns, timeout, cancel) and keeps its final answer as steps.<id>.text
// (and .json when the answer parses). What the agent says and spends is written as run events as it
// happens; its tool calls are recorded by the gateway under the step.
import { randomBytes } from "node:crypto";
import { prepared, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db";
import { ANSWER_MAX_CHARS, DEFAULT_AGENT_TIMEOUT_MS, DEFAULT_MAX_TURNS } from "@/lib/agents/agents.schema";
import { addUsage, AgentRunError, NO_USAGE, type AgentEvent, type TokenUsage } from "@/lib/agents/runner";
import { agentRunner } from "@/lib/agents/runners";
import { agentEnv, dataDir, env, workspaceDir } from "@/lib/env";
import { BudgetReached, BudgetWatch } from "@/lib/spend/budget";
import { writeStepCost } from "@/lib/spend/step-cost";
import type { AttemptRow, StepContext, StepResult } from "@/lib/engine/step-types";
import { createRunEvent, insertRunEvent, runEventRow } from "@/lib/engine/run-events";
import { boundedError } from "@/lib/engine/step-output";
import { RunAbort, type RunAbortKind } from "@/lib/engine/worker-registry";
import type { PendingWrite } from "@/lib/mcp/calls";
import { GatewaySession, GatewayUnavailableError } from "@/lib/mcp/gateway";
import { GatewayToolFailed, recordedToolFailure, watchToolFailures } from "@/lib/mcp/gateway-failure";
import { gatewayTokenHash } from "@/lib/mcp/gateway-http";
import { durationMs, type PipelineStep } from "@/lib/pipelines/pipeline.schema";
import { renderTemplate, TemplateError } from "@/lib/pipelines/templates";
import { clientFolder } from "@/lib/workspace/paths";

// run events keep at most 16,000 characters of JSON; escaping can double a text's length
const EVENT_TEXT_MAX = 7_500;

export class AgentTimeout extends Error {
  constructor(readonly ms: number) {
    super(`The agent step timed out after ${formatMs(ms)}`);
    this.name = "AgentTimeout";
  }
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6_000) / 10} min`;
}

/** Text as JSON when it is JSON (a fenced ```json block included), else null. */
export function parseAnswerJson(text: string): unknown {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n```\s*$/.exec(text);
  const candidate = (fenced ? fenced[1] : text).trim();
  if (!candidate || !/^[[{"\d-]|^(true|false|null)$/.test(candidate)) return null;
  try {
    return JSON.parse(candidate);
  } catch {
    return null;
  }
}

function clip(text: string): { text: string; truncated?: boolean } {
  return text.length > EVENT_TEXT_MAX ? { text: text.slice(0, EVENT_TEXT_MAX), truncated: true } : { text };
}

/** Adds tokens to the step and its run, in the caller's transaction. */
function addTokens(db: Sqlite, runId: string, runStepId: string, usage: Partial<TokenUsage>): void {
  const u = addUsage(NO_USAGE, usage);
  const cacheTokens = u.cacheReadTokens + u.cacheWriteTokens;
  prepared(
    db,
    `UPDATE "RunStep" SET "inputTokens" = "inputTokens" + ?, "outputTokens" = "outputTokens" + ?, "cacheTokens" = "cacheTokens" + ?,
      "cacheReadTokens" = "cacheReadTokens" + ?, "cacheWriteTokens" = "cacheWriteTokens" + ?, "reasoningTokens" = "reasoningTokens" + ? WHERE "id" = ?`,
  ).run(u.inputTokens, u.outputTokens, cacheTokens, u.cacheReadTokens, u.cacheWriteTokens, u.reasoningTokens, runStepId);
  prepared(db, `UPDATE "Run" SET "inputTokens" = "inputTokens" + ?, "outputTokens" = "outputTokens" + ?, "cacheTokens" = "cacheTokens" + ?, "updatedAt" = ? WHERE "id" = ?`).run(
    u.inputTokens, u.outputTokens, cacheTokens, sqlDate(new Date()), runId,
  );
}

/**
 * Writes the agent's events in order, never blocking the runner; `flush` waits for the last. Tokens are
 * added to the step and the run with the usage event that reports them, so an attempt that never ends
 * normally (shutdown, a lost lease) still keeps what it spent.
 */
function eventWriter(runId: string, runStepId: string) {
  let chain = Promise.resolve();
  const enqueue = (write: () => Promise<unknown>) => {
    chain = chain.then(write).then(() => undefined, (error: unknown) => console.error("[agents] could not record an event", error));
  };
  const write = (type: Parameters<typeof createRunEvent>[1], message: string, data: unknown) => enqueue(() => createRunEvent(runId, type, message, { runStepId, data }));
  return {
    emit(event: AgentEvent) {
      if (event.type === "text") write("text", event.text.slice(0, 300), clip(event.text));
      else if (event.type === "usage") {
        const row = runEventRow(runId, "usage", `${event.usage.inputTokens ?? 0} in, ${event.usage.outputTokens ?? 0} out`, { runStepId, data: { ...event.usage, model: event.model ?? null } });
        enqueue(() =>
          writeTransaction((db) => {
            insertRunEvent(db, row);
            addTokens(db, runId, runStepId, event.usage);
          }),
        );
      } else if (event.type === "log") write("log", event.message, undefined);
    },
    /** tokens a runner gave only in its result, never as an event */
    tokens: (usage: TokenUsage) => enqueue(() => writeTransaction((db) => addTokens(db, runId, runStepId, usage))),
    prompt: (prompt: string, runner: string, model: string | null) => write("prompt", `Prompt for ${runner}`, { ...clip(prompt), runner, model }),
    answer: (text: string) => write("answer", text.slice(0, 300), clip(text)),
    flush: () => chain,
  };
}

function abortKindOf(signal: AbortSignal): RunAbortKind | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof RunAbort ? signal.reason.kind : "cancel";
}

type StepEnd = { runner: string; model: string | null; turns: number | null; usage: TokenUsage; subscription: boolean };

function stepWrites(ctx: StepContext, row: AttemptRow, end: StepEnd): PendingWrite[] {
  // committed with the step's outcome, like a tool step's result (execute-run's writeTransaction); the
  // tokens are already recorded as they were reported, the cost is computed once, from the step's total
  return [
    (db) => {
      prepared(db, `UPDATE "RunStep" SET "runner" = ?, "model" = ?, "turns" = ?, "gatewayTokenHash" = NULL WHERE "id" = ?`).run(end.runner, end.model, end.turns, row.id);
      writeStepCost(db, { runId: ctx.runId, runStepId: row.id, usage: end.usage, model: end.model, subscription: end.subscription });
    },
  ];
}

export async function runAgentStep(step: PipelineStep, row: AttemptRow, ctx: StepContext): Promise<StepResult> {
  const agent = step.agent;
  if (!agent) return { status: "failed", error: "Not an agent step" };
  let prompt: string;
  try {
    prompt = renderTemplate(agent.prompt, ctx.templates);
  } catch (error) {
    if (error instanceof TemplateError) return { status: "failed", error: `Prompt: ${error.message}` };
    throw error;
  }
  const events = eventWriter(ctx.runId, row.id);
  const model = agent.model ?? null;
  events.prompt(prompt, agent.runner, model);
  await prisma.runStep.update({ where: { id: row.id }, data: { runner: agent.runner, model }, select: { id: true } });
  // a client at its budget gets no new agent step (a run queued before it was reached, a resumed run)
  const budget = await BudgetWatch.forClient(ctx.client?.id);
  const refusal = budget ? await budget.check(NO_USAGE, model, false) : null;
  if (refusal) {
    await events.flush();
    return { status: "failed", error: refusal };
  }

  const timeoutMs = agent.timeout !== undefined ? durationMs(agent.timeout) : DEFAULT_AGENT_TIMEOUT_MS;
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onRunAbort();
  else ctx.signal.addEventListener("abort", onRunAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new AgentTimeout(timeoutMs)), timeoutMs);

  // a failed tool call ends the step (gateway-failure.ts); in-process runners hear of it at once, and
  // for codex, whose calls the HTTP gateway serves (perhaps in another process), the record is watched
  const failStep = (failure: GatewayToolFailed) => controller.abort(failure);
  const gateway = new GatewaySession(
    { runId: ctx.runId, runStepId: row.id, clientSlug: ctx.client?.slug ?? null, allow: agent.tools, afterApproval: ctx.approvedVersion !== null },
    { signal: controller.signal, onToolFailure: failStep },
  );
  let overHttp = false;
  let stopWatching: () => void = () => {};
  // the agent may have answered (or given up) before the watch saw its failed call
  const toolFailure = async () =>
    controller.signal.reason instanceof GatewayToolFailed ? controller.signal.reason : overHttp ? await recordedToolFailure(row.id) : null;
  let usage = NO_USAGE;
  let reportedModel: string | null = model;
  let subscription = false;
  const emit = (event: AgentEvent) => {
    if (event.type === "usage") {
      usage = addUsage(usage, event.usage);
      reportedModel = event.model ?? reportedModel;
      subscription ||= event.subscription === true;
      // the budget is checked as usage arrives; reaching it stops the runner (and its process group)
      if (budget) {
        void budget.check(usage, reportedModel, subscription).then(
          (reason) => void (reason && !controller.signal.aborted && controller.abort(new BudgetReached(reason))),
          (error: unknown) => console.error("[spend] could not check the budget", error),
        );
      }
    }
    events.emit(event);
  };
  const writes = (end?: Partial<StepEnd>) => stepWrites(ctx, row, { runner: agent.runner, model: reportedModel, turns: null, usage, subscription, ...end });
  // after a shutdown or a lost lease the engine writes no outcome for the step (its tokens are already
  // recorded): the step's cost is written here
  const abortedWrites = async (kind: RunAbortKind) => {
    if (kind === "cancel") return writes();
    await writeTransaction((db) => writes().forEach((write) => write(db))).catch((error: unknown) => console.error("[spend] could not record an interrupted step's cost", error));
    return undefined;
  };
  // whether the runner returned or threw, these end the step before its own answer or error counts
  const endedEarly = async (): Promise<StepResult | null> => {
    const aborted = abortKindOf(ctx.signal);
    if (aborted) return { status: "aborted", kind: aborted, writes: await abortedWrites(aborted) };
    const reason: unknown = controller.signal.reason;
    if (reason instanceof BudgetReached || reason instanceof AgentTimeout) return { status: "failed", error: reason.message, writes: writes() };
    const failure = await toolFailure();
    if (failure) return { status: "failed", error: boundedError(failure.message), writes: writes() };
    return null;
  };
  try {
    const runner = await agentRunner(agent.runner);
    const result = await runner.run({
      prompt,
      model: agent.model,
      maxTurns: agent.max_turns ?? DEFAULT_MAX_TURNS,
      builtin: agent.builtin,
      cwd: ctx.client ? clientFolder(ctx.client.slug) : workspaceDir(),
      gateway,
      signal: controller.signal,
      emit,
      dataDir: dataDir(),
      gatewayUrl: agentEnv().SWITCHBOARD_GATEWAY_URL ?? `http://127.0.0.1:${env().PORT}/api/mcp/gateway`,
      mintGatewayToken: async () => {
        const token = `sbg_${randomBytes(32).toString("base64url")}`;
        await prisma.runStep.update({ where: { id: row.id }, data: { gatewayTokenHash: gatewayTokenHash(token) }, select: { id: true } });
        overHttp = true;
        stopWatching = watchToolFailures(row.id, controller.signal, failStep);
        return token;
      },
    });
    await events.flush();
    const ended = await endedEarly();
    if (ended) return ended;
    // a runner that reported no usage as it went gives it in the result
    const reported = usage.inputTokens + usage.outputTokens > 0;
    const finalUsage = reported ? usage : result.usage;
    if (!reported) events.tokens(result.usage);
    let text = result.text;
    const truncated = text.length > ANSWER_MAX_CHARS;
    if (truncated) text = `${text.slice(0, ANSWER_MAX_CHARS)}\n…[truncated: ${result.text.length} characters in all]`;
    events.answer(text);
    await events.flush();
    return {
      status: "succeeded",
      output: {
        text, json: truncated ? null : parseAnswerJson(text), runner: agent.runner, model: result.model ?? reportedModel, turns: result.turns, usage: finalUsage,
        ...(truncated ? { truncated: true } : {}),
      },
      message: `${agent.runner} answered after ${result.turns} turn${result.turns === 1 ? "" : "s"}`,
      writes: writes({ model: result.model ?? reportedModel, turns: result.turns, usage: finalUsage }),
    };
  } catch (error) {
    await events.flush();
    const ended = await endedEarly();
    if (ended) return ended;
    if (error instanceof AgentRunError || error instanceof GatewayUnavailableError) return { status: "failed", error: boundedError(error.message), writes: writes() };
    console.error(`[agents] ${agent.runner} step ${row.stepId} of run ${ctx.runId} failed`, error);
    return { status: "failed", error: `The ${agent.runner} runner failed unexpectedly; the details are in the server log`, writes: writes() };
  } finally {
    stopWatching();
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", onRunAbort);
  }
}
