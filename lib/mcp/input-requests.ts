// A tool that asks a person for input, in either revision: an old server's `elicitation/create` request in
// the middle of its call (2025-06-18 to 2025-11-25), or a 2026-07-28 `input_required` result whose
// `inputRequests` the client answers by sending the same tools/call again with `inputResponses` and the
// server's `requestState`, byte-exact. Switchboard answers form elicitations (a message and a flat
// requested schema): the engine parks the step until a person answers (lib/engine/input-waits.ts).
import "server-only";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

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
