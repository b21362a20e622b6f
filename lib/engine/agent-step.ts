// Executes an `agent:` step: renders its prompt, opens the step's gateway session, runs the named runner
// with the step's limits (max_turns, timeout, cancel) and keeps its final answer as steps.<id>.text
// (and .json when the answer parses). What the agent says and spends is written as run events as it
// happens; its tool calls are recorded by the gateway under the step, and its calls of the runner's own
// tools (which never pass the gateway) as `builtin` events, redacted and capped.
import "server-only";
import { prepared, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import { ANSWER_MAX_CHARS, DEFAULT_AGENT_TIMEOUT_MS, DEFAULT_MAX_TURNS } from "@/lib/agents/agents.schema";
import { addUsage, AgentRunError, NO_USAGE, type AgentEvent, type ModelCallRequest, type TokenUsage } from "@/lib/agents/runner";
import { alwaysBillsUsd, defaultModelOf } from "@/lib/agents/runner-models";
import { agentRunner } from "@/lib/agents/runners";
import { agentEnv, dataDir, env, workspaceDir } from "@/lib/env";
import { formatDuration } from "@/lib/format";
import { BudgetReached, BudgetWatch } from "@/lib/spend/budget";
import { addUsageCost, writeStepCost } from "@/lib/spend/step-cost";
import type { AttemptRow, StepContext, StepResult } from "@/lib/engine/step-types";
import { mintGatewayToken, stepApprovalPosition } from "@/lib/engine/gateway-tokens";
import { createRunEvent, insertRunEvent, runEventRow } from "@/lib/engine/run-events";
import { boundedError } from "@/lib/engine/step-output";
import { agentAnswerFor, agentInputAnswers, promptWithAnswers, recordedInputNeeded, watchInputNeeded } from "@/lib/engine/input-waits";
import { GatewayInputNeeded } from "@/lib/mcp/input-requests";
import { RunAbort, type RunAbortKind } from "@/lib/engine/worker-registry";
import type { PendingWrite } from "@/lib/mcp/calls";
import { GatewaySession, GatewayUnavailableError } from "@/lib/mcp/gateway";
import { GatewayToolFailed, recordedToolFailure, watchToolFailures } from "@/lib/mcp/gateway-failure";
import { durationMs, type PipelineStep } from "@/lib/pipelines/pipeline.schema";
import { renderTemplate, TemplateError } from "@/lib/pipelines/templates";
import { clientFolder } from "@/lib/workspace/paths";
import { authSecret } from "@/lib/auth/secret";
import { loadGlobalServers } from "@/lib/mcp/config";
import { redactText, redactValue } from "@/lib/mcp/redact";

// run events keep at most 16,000 characters of JSON; escaping can double a text's length
const EVENT_TEXT_MAX = 7_500;

export class AgentTimeout extends Error {
  constructor(readonly ms: number) {
    super(`The agent step timed out after ${formatDuration(ms)}`);
    this.name = "AgentTimeout";
  }
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

// a built-in call keeps its input and output within one event: together under EVENT_TEXT_MAX
const BUILTIN_INPUT_MAX = 2_000;
const BUILTIN_OUTPUT_MAX = EVENT_TEXT_MAX - BUILTIN_INPUT_MAX;
// below run-events' DATA_MAX (16,000), over which an event keeps only its size
const BUILTIN_EVENT_JSON_MAX = 15_000;

/**
 * What a built-in call may have read and must never be kept: the keys the runners are given, the session
 * key, and every server's env and header values (the same values a gateway call's record is redacted of).
 */
function builtinSecrets(): string[] {
  const e = agentEnv();
  const secrets = [e.ANTHROPIC_API_KEY, e.OPENAI_API_KEY, env().AUTH_SECRET, env().NEXTAUTH_SECRET];
  try {
    secrets.push(authSecret());
  } catch {
    // no session key can be read: there is none to leak either
  }
  try {
    secrets.push(...loadGlobalServers().entries.flatMap((entry) => entry.secrets));
  } catch {
    // an unreadable mcp.json holds no expanded secrets
  }
  return secrets.filter((s): s is string => typeof s === "string" && s.length >= 6);
}

/** A built-in call as its run event: input and output redacted, then capped. */
export function builtinEventData(event: Extract<AgentEvent, { type: "builtin" }>, secrets: readonly string[]) {
  const inputValue = redactValue(event.input, secrets);
  const inputText = typeof inputValue === "string" ? inputValue : JSON.stringify(inputValue ?? null);
  const output = event.output === undefined ? undefined : redactText(event.output, secrets);
  const data = (outputMax: number, inputMax = BUILTIN_INPUT_MAX) => ({
    name: event.name.slice(0, 200),
    input: inputText.slice(0, inputMax),
    ...(inputText.length > inputMax ? { inputTruncated: true, inputChars: inputText.length } : {}),
    ...(output !== undefined ? { output: output.slice(0, outputMax) } : {}),
    ...(output !== undefined && output.length > outputMax ? { outputTruncated: true, outputChars: output.length } : {}),
    isError: event.isError === true,
  });
  // binary output (a database's bytes) escapes to six characters a byte in JSON: cut further until the
  // event fits, rather than let the whole event be stored as "too large"
  let outputMax = BUILTIN_OUTPUT_MAX;
  let inputMax = BUILTIN_INPUT_MAX;
  let out = data(outputMax, inputMax);
  while (JSON.stringify(out).length > BUILTIN_EVENT_JSON_MAX && (outputMax > 0 || inputMax > 0)) {
    if (outputMax > 0) outputMax = Math.floor(outputMax / 2);
    else inputMax = Math.floor(inputMax / 2);
    out = data(outputMax, inputMax);
  }
  return out;
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
    u.inputTokens,
    u.outputTokens,
    cacheTokens,
    sqlDate(new Date()),
    runId,
  );
}

/** A usage event as it is counted: the model that reported it and whether a subscription login paid. */
type CountedUsage = { model: string | null; subscription: boolean };

/**
 * Writes the agent's events in order, never blocking the runner; `flush` waits for the last. Tokens and
 * their cost are added to the step and the run with the usage event that reports them, so the client's
 * month (what budgets check) includes a running step, and an attempt that never ends normally (shutdown,
 * a lost lease, a crash) still keeps what it spent. `afterUsage` runs once each usage event is recorded.
 */
function eventWriter(runId: string, runStepId: string, afterUsage: () => Promise<void>) {
  let chain = Promise.resolve();
  const enqueue = (write: () => Promise<unknown>) => {
    chain = chain.then(write).then(
      () => undefined,
      (error: unknown) => console.error("[agents] could not record an event", error),
    );
  };
  const write = (type: Parameters<typeof createRunEvent>[1], message: string, data: unknown) => enqueue(() => createRunEvent(runId, type, message, { runStepId, data }));
  let secrets: string[] | null = null;
  return {
    emit(event: AgentEvent, counted: CountedUsage) {
      if (event.type === "text") write("text", event.text.slice(0, 300), clip(event.text));
      else if (event.type === "builtin") {
        secrets ??= builtinSecrets();
        const data = builtinEventData(event, secrets);
        write("builtin", `${data.name}${data.isError ? " (failed)" : ""}: ${data.input.slice(0, 200)}`, data);
      } else if (event.type === "usage") {
        const row = runEventRow(runId, "usage", `${event.usage.inputTokens ?? 0} in, ${event.usage.outputTokens ?? 0} out`, { runStepId, data: { ...event.usage, model: event.model ?? null } });
        enqueue(async () => {
          await writeTransaction((db) => {
            insertRunEvent(db, row);
            addTokens(db, runId, runStepId, event.usage);
            addUsageCost(db, { runId, runStepId, usage: addUsage(NO_USAGE, event.usage), ...counted });
          });
          await afterUsage();
        });
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
  // tokens are already recorded as they were reported, and so is their cost, which is computed once more
  // from the step's total: the run moves by the difference, so nothing is counted twice
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
  // a step that stopped because a tool asked for input reruns with the answers as context (input-waits.ts)
  prompt = promptWithAnswers(prompt, await agentInputAnswers(ctx.runId, row.stepId));
  // known before the step starts (the runner's configured default when the step names none), so a
  // budget can price it; claude-code's own default is learned from its first usage event
  const model = agent.model ?? defaultModelOf(agent.runner);
  // the budget is checked after each usage event is recorded, against the client's month in the
  // database (every run going on at once included); reaching it stops the runner (and its process group).
  // The API runners' calls are also admitted one by one before they are made (beforeModelCall below).
  const budget = await BudgetWatch.forClient(ctx.client?.id, ctx.runId);
  const controller = new AbortController();
  let reportedModel: string | null = model;
  let subscription = false;
  const checkBudget = async () => {
    if (!budget || controller.signal.aborted) return;
    const reason = await budget.check(reportedModel, subscription).catch((error: unknown) => {
      console.error("[spend] could not check the budget", error);
      return null;
    });
    if (reason && !controller.signal.aborted) controller.abort(new BudgetReached(reason));
  };
  const events = eventWriter(ctx.runId, row.id, checkBudget);
  events.prompt(prompt, agent.runner, model);
  await prisma.runStep.update({ where: { id: row.id }, data: { runner: agent.runner, model }, select: { id: true } });
  // a client at its budget gets no new agent step (a run queued before it was reached, a resumed run),
  // nor, under a USD budget, a step on a model with no price
  const refusal = budget ? await budget.refusal(model, alwaysBillsUsd(agent.runner)) : null;
  if (refusal) {
    await events.flush();
    return { status: "failed", error: refusal };
  }

  // before an approval step the gateway offers read-only tools only; after one, only accepted ones
  const approval = await stepApprovalPosition(ctx.runId, step.id);
  const timeoutMs = agent.timeout !== undefined ? durationMs(agent.timeout) : DEFAULT_AGENT_TIMEOUT_MS;
  const onRunAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onRunAbort();
  else ctx.signal.addEventListener("abort", onRunAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new AgentTimeout(timeoutMs)), timeoutMs);

  // a failed tool call ends the step (gateway-failure.ts); in-process runners hear of it at once, and
  // for codex, whose calls the HTTP gateway serves (perhaps in another process), the record is watched
  const failStep = (failure: GatewayToolFailed) => controller.abort(failure);
  // a tool that asks for input ends the step as "needs input"; in a rerun, the same question gets the answer given
  const needInput = (need: GatewayInputNeeded) => controller.abort(need);
  const gateway = new GatewaySession(
    { runId: ctx.runId, runStepId: row.id, clientSlug: ctx.client?.slug ?? null, allow: agent.tools, toolSearch: agent.tool_search, ...approval },
    { signal: controller.signal, onToolFailure: failStep, onInputNeeded: needInput, answerFor: (server, tool, message) => agentAnswerFor(ctx.runId, row.stepId, server, tool, message) },
  );
  let overHttp = false;
  let stopWatching: () => void = () => {};
  // the agent may have answered (or given up) before the watch saw its failed call
  const toolFailure = async () => (controller.signal.reason instanceof GatewayToolFailed ? controller.signal.reason : overHttp ? await recordedToolFailure(row.id) : null);
  let usage = NO_USAGE;
  let lastCall: Partial<TokenUsage> | null = null;
  const emit = (event: AgentEvent) => {
    if (event.type === "usage") {
      usage = addUsage(usage, event.usage);
      lastCall = event.usage;
      reportedModel = event.model ?? reportedModel;
      subscription ||= event.subscription === true;
    }
    events.emit(event, { model: reportedModel, subscription });
  };
  const writes = (end?: Partial<StepEnd>) => stepWrites(ctx, row, { runner: agent.runner, model: reportedModel, turns: null, usage, subscription, ...end });
  // after a shutdown or a lost lease the engine writes no outcome for the step (its tokens are already
  // recorded): the step's cost is written here
  const abortedWrites = async (kind: RunAbortKind) => {
    if (kind === "cancel") return writes();
    await writeTransaction((db) => {
      for (const write of writes()) write(db);
    }).catch((error: unknown) => console.error("[spend] could not record an interrupted step's cost", error));
    return undefined;
  };
  // the API runners ask before each model call: it is admitted against the client's USD budget, atomically
  // with every other run's (lib/spend/reservations.ts), once the previous call's usage is recorded (which
  // releases its hold). The CLI runners call the model themselves: for them only checkBudget applies.
  const beforeModelCall = budget?.admitsModelCalls
    ? async (call: ModelCallRequest) => {
        await events.flush();
        if (controller.signal.aborted) throw controller.signal.reason;
        const reason = await budget.admitModelCall(row.id, reportedModel, lastCall, call.requestChars);
        if (reason && !controller.signal.aborted) controller.abort(new BudgetReached(reason));
        if (controller.signal.aborted) throw controller.signal.reason;
      }
    : undefined;
  // whether the runner returned or threw, these end the step before its own answer or error counts
  const endedEarly = async (): Promise<StepResult | null> => {
    const aborted = abortKindOf(ctx.signal);
    if (aborted) return { status: "aborted", kind: aborted, writes: await abortedWrites(aborted) };
    const reason: unknown = controller.signal.reason;
    if (reason instanceof BudgetReached || reason instanceof AgentTimeout) return { status: "failed", error: reason.message, writes: writes() };
    // the agent may have answered before the watch saw the question its call got over HTTP
    const need = reason instanceof GatewayInputNeeded ? reason : overHttp ? await recordedInputNeeded(ctx.runId, row.stepId, row.id) : null;
    if (need) {
      const { server, tool, ask, kind, toolCallId } = need;
      return { status: "input-needed", request: { ...ask, kind, origin: "agent", server, tool, toolCallId }, writes: writes() };
    }
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
      mounts: agent.mounts,
      cwd: ctx.client ? clientFolder(ctx.client.slug) : workspaceDir(),
      gateway,
      signal: controller.signal,
      emit,
      beforeModelCall,
      dataDir: dataDir(),
      gatewayUrl: agentEnv().SWITCHBOARD_GATEWAY_URL ?? `http://127.0.0.1:${env().PORT}/api/mcp/gateway`,
      mintGatewayToken: async () => {
        const token = await mintGatewayToken(row.id);
        overHttp = true;
        const stopFailures = watchToolFailures(row.id, controller.signal, failStep);
        // a question the HTTP gateway's call got (input_required) is on the call's record
        const stopQuestions = watchInputNeeded({ runId: ctx.runId, stepId: row.stepId, runStepId: row.id }, controller.signal, needInput);
        stopWatching = () => {
          stopFailures();
          stopQuestions();
        };
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
        text,
        json: truncated ? null : parseAnswerJson(text),
        runner: agent.runner,
        model: result.model ?? reportedModel,
        turns: result.turns,
        usage: finalUsage,
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
