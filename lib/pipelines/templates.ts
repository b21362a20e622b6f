// Templates are data lookups, never code: `{{ inputs.keyword }}`, `{{ client.folder }}`,
// `{{ steps.research.json.items.0.title }}`. A tiny parser, own-property lookups only, one pass:
// a substituted value that itself contains `{{ }}` stays text.
import type { StepKind } from "@/lib/pipelines/pipeline.schema";

const TEMPLATE_RE = /\{\{([^{}]*)\}\}/g;
const WHOLE_TEMPLATE_RE = /^\{\{([^{}]*)\}\}$/;
const PATH_RE = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);
const CLIENT_FIELDS = ["slug", "name", "folder"] as const;
const STEP_FIELDS: Record<StepKind, readonly string[]> = {
  tool: ["text", "json"],
  agent: ["text", "json"],
  approval: ["title", "body", "text"],
};

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

type TemplateClient = { slug: string; name: string; folder: string };
export type TemplateContext = {
  inputs: Record<string, unknown>;
  client: TemplateClient | null;
  steps: Record<string, Record<string, unknown>>;
};

/** What a pipeline's templates may refer to at one point of the pipeline. */
export type TemplateScope = {
  inputs: ReadonlySet<string>;
  /** steps defined before the one being checked, with their kind */
  earlierSteps: ReadonlyMap<string, StepKind>;
  allSteps: ReadonlySet<string>;
};

/** Parses `inputs.a` into segments, or explains why it is not a lookup. */
function parseTemplatePath(inner: string): { path: string[] } | { error: string } {
  const text = inner.trim();
  if (!text) return { error: "empty template {{ }}" };
  if (!PATH_RE.test(text)) return { error: `"{{${inner}}}" is not a lookup: templates only read values such as inputs.name or steps.id.text` };
  const path = text.split(".");
  const bad = path.find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (bad) return { error: `"${bad}" is not allowed in a template` };
  return { path };
}

/** Every `{{ ... }}` in a string, parsed. */
export function findTemplates(text: string): ({ raw: string; path: string[] } | { raw: string; error: string })[] {
  return [...text.matchAll(TEMPLATE_RE)].map((m) => ({ raw: m[0], ...parseTemplatePath(m[1]) }));
}

/** Checks one reference against what exists at that point of the pipeline; null when fine. */
export function checkTemplateRef(path: string[], scope: TemplateScope): string | null {
  const [root, name, field, ...rest] = path;
  const ref = path.join(".");
  if (root === "inputs") {
    if (!name) return "inputs needs a name: {{ inputs.<name> }}";
    if (!scope.inputs.has(name)) {
      const known = [...scope.inputs].join(", ") || "none";
      return `unknown input "${name}" in {{ ${ref} }} (declared inputs: ${known})`;
    }
    if (field !== undefined) return `inputs.${name} is a single value; {{ ${ref} }} reads past it`;
    return null;
  }
  if (root === "client") {
    if (!name || field !== undefined || !(CLIENT_FIELDS as readonly string[]).includes(name)) {
      return `{{ ${ref} }}: client has ${CLIENT_FIELDS.join(", ")}`;
    }
    return null;
  }
  if (root === "steps") {
    if (!name) return "steps needs an id: {{ steps.<id>.text }}";
    const kind = scope.earlierSteps.get(name);
    if (!kind) {
      return scope.allSteps.has(name) ? `{{ ${ref} }}: step "${name}" runs later; a step can only read steps defined before it` : `{{ ${ref} }}: there is no step "${name}"`;
    }
    const fields = STEP_FIELDS[kind];
    if (!field) return `{{ ${ref} }} needs a field: ${fields.join(", ")}`;
    if (!fields.includes(field)) {
      if (field === "title" || field === "body") return `{{ ${ref} }}: .${field} is only set by approval steps; "${name}" is a ${kind} step`;
      return `{{ ${ref} }}: a ${kind} step has ${fields.join(", ")}`;
    }
    if (rest.length > 0 && field !== "json") return `{{ ${ref} }}: .${field} is text; only .json has fields`;
    return null;
  }
  return `{{ ${ref} }}: templates read inputs.<name>, client.<field> or steps.<id>.<field>`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Looks a path up with own properties only. `undefined` means "not there". */
function lookup(path: string[], ctx: TemplateContext): unknown {
  const [root, ...rest] = path;
  let current: unknown;
  if (root === "inputs") current = ctx.inputs;
  else if (root === "steps") current = ctx.steps;
  else if (root === "client") {
    if (!ctx.client) throw new TemplateError(`{{ ${path.join(".")} }}: this run has no client`);
    current = ctx.client;
  } else throw new TemplateError(`{{ ${path.join(".")} }}: unknown root "${root}"`);
  for (const segment of rest) {
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new TemplateError(`"${segment}" is not allowed in a template`);
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
    else current = undefined;
    if (current === undefined) break;
  }
  if (current === undefined && root !== "inputs") {
    throw new TemplateError(`{{ ${path.join(".")} }} has no value in this run`);
  }
  return current;
}

function resolveInner(inner: string, ctx: TemplateContext): unknown {
  const parsed = parseTemplatePath(inner);
  if ("error" in parsed) throw new TemplateError(parsed.error);
  return lookup(parsed.path, ctx);
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** String interpolation: every template becomes text. */
export function renderTemplate(text: string, ctx: TemplateContext): string {
  return text.replace(TEMPLATE_RE, (_, inner: string) => asText(resolveInner(inner, ctx)));
}

/**
 * Renders tool arguments. A string that is exactly one template keeps the value's type (a number stays a
 * number, an object an object); anything else is string interpolation. An optional input left empty
 * drops the argument so the tool's own default applies.
 */
export function renderArgs(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_TEMPLATE_RE.exec(value);
    if (whole) {
      const result = resolveInner(whole[1], ctx);
      return result === undefined ? undefined : structuredClone(result);
    }
    return renderTemplate(value, ctx);
  }
  if (Array.isArray(value)) return value.map((v) => renderArgs(v, ctx) ?? null);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const rendered = renderArgs(v, ctx);
      if (rendered !== undefined) Object.defineProperty(out, key, { value: rendered, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Every string inside a value, with its path (for checking templates in tool arguments). */
export function collectStrings(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => collectStrings(v, [...path, i]));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => collectStrings(v, [...path, k]));
  return [];
}
