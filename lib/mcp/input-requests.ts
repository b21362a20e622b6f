// A tool that asks a person for input, in either revision: an old server's `elicitation/create` request in
// the middle of its call (2025-06-18 to 2025-11-25), or a 2026-07-28 `input_required` result whose
// `inputRequests` the client answers by sending the same tools/call again with `inputResponses` and the
// server's `requestState`, byte-exact. Switchboard answers form elicitations (a message and a flat
// requested schema): the engine parks the step until a person answers (lib/engine/input-waits.ts).
import "server-only";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { prisma } from "@/lib/db/client";

/** What a server asked for: its message and the JSON Schema of the answer (a flat object of primitives). */
export type InputAsk = { message: string; requestedSchema: Record<string, unknown> };

export const INPUT_ACTIONS = ["accept", "decline", "cancel"] as const;
export type InputAction = (typeof INPUT_ACTIONS)[number];

/** A person's answer, as an elicitation result: `content` only with accept. */
export type InputAnswer = { action: InputAction; content?: Record<string, unknown> };

/** An `input_required` result as the pool returns it: the one form elicitation it asks, and the state to send back. */
export type InputRequired = InputAsk & {
  /** the key of the elicitation in `inputRequests`, under which its response goes back */
  key: string;
  /** every input request of the result, as the server sent it */
  inputRequests: Record<string, unknown>;
  /** opaque; echoed back byte-exact (absent when the server keeps none) */
  requestState?: string;
};

/** How an `input_required` call goes on: the same call again with the answer and the stored state. */
export type InputContinuation = { inputResponses: Record<string, InputAnswer>; requestState?: string };

/**
 * Called during a call when its server asks for input (old style): resolves with the person's answer.
 * The call stays open meanwhile. Absent: the pool answers `cancel` (nobody can answer a /tools call).
 */
export type InputHandler = (ask: InputAsk) => Promise<InputAnswer>;

/** An `input_required` result, or an elicitation, that Switchboard cannot put in front of a person. */
export class UnanswerableInputRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnanswerableInputRequest";
  }
}

/**
 * An agent's tool asked for input (either kind): the agent step ends as "needs input" with the question,
 * and a person's answer reruns it (the gateway's `onInputNeeded`; lib/engine/input-waits.ts).
 */
export class GatewayInputNeeded extends Error {
  constructor(
    readonly server: string,
    readonly tool: string,
    readonly ask: InputAsk,
    readonly kind: "elicitation" | "input_required",
    readonly toolCallId?: string,
  ) {
    super(`${server}/${tool} asks for a person's input: ${ask.message}`);
    this.name = "GatewayInputNeeded";
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The ask of an `elicitation/create` params object (form mode); throws UnanswerableInputRequest for a URL one. */
export function elicitationAsk(params: unknown): InputAsk {
  if (!isObject(params)) throw new UnanswerableInputRequest("The server's elicitation request has no parameters");
  if (params.mode === "url") throw new UnanswerableInputRequest("The server asks to open a URL (URL elicitation), which Switchboard does not support");
  const message = typeof params.message === "string" ? params.message : "";
  const requestedSchema = isObject(params.requestedSchema) ? params.requestedSchema : { type: "object", properties: {} };
  return { message, requestedSchema };
}

/**
 * The one form elicitation of an `input_required` result. Sampling, roots, a URL elicitation or more than
 * one request at once cannot be answered by a form: UnanswerableInputRequest says which.
 */
export function inputRequiredAsk(result: { inputRequests?: unknown; requestState?: unknown }): InputRequired {
  const requests = isObject(result.inputRequests) ? result.inputRequests : {};
  const keys = Object.keys(requests);
  const requestState = typeof result.requestState === "string" ? result.requestState : undefined;
  if (keys.length !== 1) {
    throw new UnanswerableInputRequest(keys.length === 0 ? "The server asked for input but sent no input request" : `The server asks ${keys.length} questions at once; Switchboard answers one form at a time`);
  }
  const key = keys[0];
  const request = requests[key];
  const method = isObject(request) ? request.method : undefined;
  if (method !== "elicitation/create") throw new UnanswerableInputRequest(`The server asks for ${String(method ?? "an unknown kind of input")}, which Switchboard cannot answer`);
  return { key, ...elicitationAsk((request as { params?: unknown }).params), inputRequests: requests, requestState };
}

// ajv-formats is CommonJS: its default export arrives wrapped under some loaders
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: false, strict: false, validateFormats: true }));
const validators = new Map<string, ValidateFunction>();

/**
 * Checks an accepted answer's content against the requested schema; null when it fits, else a message
 * that names the field ("email: must match format \"email\"").
 */
export function checkInputContent(schema: unknown, content: unknown): string | null {
  if (!isObject(content)) return "content: an object of the requested fields is required to accept";
  const key = JSON.stringify(schema ?? {});
  let validate = validators.get(key);
  if (!validate) {
    try {
      // an elicitation schema is a flat object of primitives; its $schema (if any) is not Ajv's to resolve
      const { $schema: _dialect, ...rest } = isObject(schema) ? schema : {};
      validate = ajv.compile(rest);
    } catch (error) {
      return `The requested schema cannot be checked: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (validators.size > 200) validators.clear();
    validators.set(key, validate);
  }
  if (validate(content)) return null;
  const e = validate.errors?.[0];
  const field = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : (e?.params as { missingProperty?: string } | undefined)?.missingProperty;
  return `${field ? `${field}: ` : ""}${e?.message ?? "does not match the requested schema"}`;
}

/**
 * The answer a person gave to `server/tool` asking `message` in an earlier attempt of this agent step (the
 * step reruns with it): the gateway answers the same question with it. Null when there is none.
 */
export async function storedAgentAnswer(runStepId: string, server: string, tool: string, message: string): Promise<InputAnswer | null> {
  if (!runStepId) return null;
  // any attempt of the step: the answer was given to an earlier one
  const step = await prisma.runStep.findUnique({ where: { id: runStepId }, select: { runId: true, stepId: true } });
  if (!step) return null;
  const row = await prisma.stepInputRequest.findFirst({
    where: { runId: step.runId, stepId: step.stepId, origin: "agent", server, tool, message, status: { in: ["answered", "delivered"] } },
    orderBy: { answeredAt: "desc" },
    select: { action: true, contentJson: true },
  });
  const action = row?.action as InputAction | null | undefined;
  if (!action) return null;
  return action === "accept" ? { action, content: row?.contentJson ? (JSON.parse(row.contentJson) as Record<string, unknown>) : {} } : { action };
}

/**
 * The first call of an agent step that asked for input (input_required), from its record (status
 * `waiting`, the question in its result): how the worker learns of a call the HTTP gateway served.
 */
export async function recordedInputNeeded(runStepId: string): Promise<GatewayInputNeeded | null> {
  const rows = await prisma.toolCall.findMany({ where: { runStepId, status: "waiting" }, orderBy: { startedAt: "asc" }, select: { id: true, server: true, tool: true, resultJson: true } });
  for (const row of rows) {
    const asked = row.resultJson ? (JSON.parse(row.resultJson) as { inputRequired?: InputAsk }).inputRequired : undefined;
    if (!asked) continue;
    // a question a person already answered is not a new one: the gateway answers it with that answer (a
    // rerun's call, on its way to being sent again, or the call of the run before the answer)
    if (await storedAgentAnswer(runStepId, row.server, row.tool, asked.message)) continue;
    return new GatewayInputNeeded(row.server, row.tool, { message: asked.message, requestedSchema: asked.requestedSchema }, "input_required", row.id);
  }
  return null;
}

/** Checks for a call that asked for input every `intervalMs` until stopped or the signal aborts; calls `onNeed` once. */
export function watchInputNeeded(runStepId: string, signal: AbortSignal, onNeed: (need: GatewayInputNeeded) => void, intervalMs = 250): () => void {
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || signal.aborted) return;
    checking = true;
    try {
      const need = await recordedInputNeeded(runStepId);
      if (need && !signal.aborted) {
        clearInterval(timer);
        onNeed(need);
      }
    } catch (error) {
      console.error("[agents] could not check the step's tool calls for a question", error);
    } finally {
      checking = false;
    }
  }, intervalMs);
  const stop = () => clearInterval(timer);
  signal.addEventListener("abort", stop, { once: true });
  return stop;
}
