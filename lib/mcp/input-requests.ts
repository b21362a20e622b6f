// A tool that asks a person for input, in either revision: an old server's `elicitation/create` request in
// the middle of its call (2025-06-18 to 2025-11-25), or a 2026-07-28 `input_required` result whose
// `inputRequests` the client answers by sending the same tools/call again with `inputResponses` and the
// server's `requestState`, byte-exact. Switchboard answers form elicitations (a message and a flat
// requested schema): the engine parks the step until a person answers (lib/engine/input-waits.ts).
import "server-only";
import { createHash } from "node:crypto";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { redactText, redactValue } from "@/lib/mcp/redact";

/**
 * What a server asked for: its message and the JSON Schema of the answer, reduced to the elicitation
 * subset (a flat object of primitives: reduceRequestedSchema).
 */
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

/**
 * The ask of an `elicitation/create` params object (form mode), its schema reduced to what a form shows
 * (reduceRequestedSchema); throws UnanswerableInputRequest for a URL one or a schema no form can take.
 */
export function elicitationAsk(params: unknown): InputAsk {
  if (!isObject(params)) throw new UnanswerableInputRequest("The server's elicitation request has no parameters");
  if (params.mode === "url") throw new UnanswerableInputRequest("The server asks to open a URL (URL elicitation), which Switchboard does not support");
  const message = typeof params.message === "string" ? params.message : "";
  return { message, requestedSchema: reduceRequestedSchema(params.requestedSchema) };
}

// ---------------------------------------------------------------------------------------------------
// the requested schema: the elicitation subset only

/** The largest requested schema taken, as JSON; it is stored with the request and sent to every page that shows it. */
export const REQUESTED_SCHEMA_MAX_BYTES = 32 * 1024;
/** The most fields a requested schema may have. */
export const REQUESTED_SCHEMA_MAX_FIELDS = 50;
/** The string formats an elicitation may ask for (MCP StringSchema); any other is dropped. */
const STRING_FORMATS = new Set(["email", "uri", "date", "date-time"]);

const str = (v: unknown): v is string => typeof v === "string";
const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);
/** `[{ const, title }]` of strings: a titled choice list (oneOf, or a multi-select's items.anyOf). */
const choices = (v: unknown): { const: string; title: string }[] | undefined =>
  Array.isArray(v) && v.every((o) => isObject(o) && str(o.const) && (o.title === undefined || str(o.title)))
    ? v.map((o: Record<string, unknown>) => ({ const: o.const as string, title: str(o.title) ? o.title : (o.const as string) }))
    : undefined;

/** Copies `keys` of `from` whose value passes `ok`. */
function pick(from: Record<string, unknown>, to: Record<string, unknown>, keys: readonly string[], ok: (v: unknown) => boolean): void {
  for (const key of keys) if (ok(from[key])) to[key] = from[key];
}

/** One field of an elicitation form (MCP PrimitiveSchemaDefinition) with only the keys the spec defines; null when it is not one. */
function reduceField(field: unknown): Record<string, unknown> | null {
  if (!isObject(field)) return null;
  const out: Record<string, unknown> = { type: field.type };
  pick(field, out, ["title", "description"], str);
  switch (field.type) {
    case "string": {
      pick(field, out, ["minLength", "maxLength"], count);
      if (str(field.format) && STRING_FORMATS.has(field.format)) out.format = field.format;
      pick(field, out, ["default"], str);
      if (strings(field.enum) && field.enum.length > 0) {
        out.enum = field.enum;
        if (strings(field.enumNames) && field.enumNames.length === field.enum.length) out.enumNames = field.enumNames;
      } else {
        // a titled single-select: oneOf (the spec's), or anyOf as some servers send it
        for (const key of ["oneOf", "anyOf"] as const) {
          const options = choices(field[key]);
          if (options && options.length > 0) {
            out[key] = options;
            break;
          }
        }
      }
      return out;
    }
    case "number":
    case "integer":
      pick(field, out, ["minimum", "maximum", "default"], finite);
      return out;
    case "boolean":
      pick(field, out, ["default"], (v) => typeof v === "boolean");
      return out;
    case "array": {
      // a multi-select: a list of strings from a fixed set, titled (items.anyOf) or not (items.enum)
      const items = isObject(field.items) ? field.items : {};
      const titled = choices(items.anyOf);
      if (items.type === "string" && strings(items.enum) && items.enum.length > 0) out.items = { type: "string", enum: items.enum };
      else if (titled && titled.length > 0) out.items = { anyOf: titled };
      else return null;
      pick(field, out, ["minItems", "maxItems"], count);
      pick(field, out, ["default"], strings);
      return out;
    }
    default:
      return null;
  }
}

/**
 * A server's requested schema reduced to the MCP elicitation subset: an object whose properties are
 * primitives (string, number, integer, boolean, a single- or multi-select enum) with only the keys the
 * spec defines for each, and `required`. Everything else (`pattern`, `$ref`, `$defs`, nested objects'
 * keywords…) is dropped: a form cannot show it, and a hostile pattern would freeze the check of the
 * answer. Throws UnanswerableInputRequest for a schema over 32 KB of JSON, with more than 50 fields, or
 * with a field that is not a primitive. The message names no field: it is the server's text.
 */
export function reduceRequestedSchema(schema: unknown): Record<string, unknown> {
  if (schema === undefined || schema === null) return { type: "object", properties: {} };
  if (!isObject(schema)) throw new UnanswerableInputRequest("The server's requested schema is not an object");
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(schema));
  } catch {
    throw new UnanswerableInputRequest("The server's requested schema cannot be read as JSON");
  }
  if (bytes > REQUESTED_SCHEMA_MAX_BYTES) throw new UnanswerableInputRequest(`The server's requested schema is ${Math.ceil(bytes / 1024)} KB; Switchboard takes up to ${REQUESTED_SCHEMA_MAX_BYTES / 1024} KB`);
  if (schema.type !== undefined && schema.type !== "object") throw new UnanswerableInputRequest("The server's requested schema is not an object of fields, which a form cannot show");
  const properties = schema.properties === undefined ? {} : schema.properties;
  if (!isObject(properties)) throw new UnanswerableInputRequest("The server's requested schema has no fields a form can show");
  const keys = Object.keys(properties);
  if (keys.length > REQUESTED_SCHEMA_MAX_FIELDS) throw new UnanswerableInputRequest(`The server asks for ${keys.length} fields; Switchboard's form takes up to ${REQUESTED_SCHEMA_MAX_FIELDS}`);
  const reduced: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    const field = reduceField(properties[key]);
    if (!field) throw new UnanswerableInputRequest(`Field ${i + 1} of the server's requested schema is not a string, number, integer, boolean or multi-select list, which is all a form can ask for`);
    reduced[key] = field;
  });
  const required = Array.isArray(schema.required) ? [...new Set(schema.required.filter((k): k is string => str(k) && Object.hasOwn(reduced, k)))] : [];
  return { type: "object", properties: reduced, ...(required.length > 0 ? { required } : {}) };
}

/**
 * An ask with the server's secrets redacted (its message, the schema's texts and values, and an
 * `input_required` result's `inputRequests`; never `key` or `requestState`, which go back to the server
 * as they came). For where the pool and send-call build the ask from what the server sent.
 */
export function redactAsk<T extends InputAsk>(ask: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return ask;
  const out: T = { ...ask, message: redactText(ask.message, secrets), requestedSchema: redactValue(ask.requestedSchema, secrets) as Record<string, unknown> };
  if ("inputRequests" in ask && isObject(ask.inputRequests)) (out as T & { inputRequests: unknown }).inputRequests = redactValue(ask.inputRequests, secrets);
  return out;
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
 * Checks an accepted answer's content against the requested schema, reduced first
 * (reduceRequestedSchema: a request stored before it was reduced is checked the same way); null when it
 * fits, else a message that names the field ("email: must match format \"email\"").
 */
export function checkInputContent(schema: unknown, content: unknown): string | null {
  if (!isObject(content)) return "content: an object of the requested fields is required to accept";
  let reduced: Record<string, unknown>;
  try {
    reduced = reduceRequestedSchema(schema);
  } catch (error) {
    return `The requested schema cannot be checked: ${error instanceof Error ? error.message : String(error)}`;
  }
  // compiled once per schema, by its digest (a schema is up to 32 KB: not a key to keep 200 of)
  const key = createHash("sha256").update(JSON.stringify(reduced)).digest("base64url");
  let validate = validators.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(reduced);
    } catch (error) {
      return `The requested schema cannot be checked: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      // Ajv keeps every schema object it compiled: the function is ours to keep, the entry is not
      ajv.removeSchema(reduced);
    }
    if (validators.size >= 200) validators.clear();
    validators.set(key, validate);
  }
  if (validate(content)) return null;
  const e = validate.errors?.[0];
  const field = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : (e?.params as { missingProperty?: string } | undefined)?.missingProperty;
  return `${field ? `${field}: ` : ""}${e?.message ?? "does not match the requested schema"}`;
}
