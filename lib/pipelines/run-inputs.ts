// The run form: a zod schema built from a pipeline's `inputs`, which parses what a form or the API
// submitted into typed values, with one clear message per field.
import { z } from "zod";
import type { PipelineDefinition, PipelineInput } from "@/lib/pipelines/pipeline.schema";

export type RunInputValue = string | number | boolean;
export type RunInputValues = Record<string, RunInputValue>;
export type ParseRunInputsResult =
  | { ok: true; values: RunInputValues }
  | { ok: false; fieldErrors: Record<string, string> };

const STRING_MAX = 2_000;
const TEXT_MAX = 200_000;
const TRUE_WORDS = new Set(["true", "on", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "off", "0", "no"]);

export function inputLabel(name: string, input: PipelineInput): string {
  return input.label ?? name;
}

/** An empty form field means "not given". */
function blankToUndefined(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string" && value.trim() === "") return undefined;
  return value;
}

function valueSchema(name: string, input: PipelineInput): z.ZodType<RunInputValue> {
  const label = inputLabel(name, input);
  switch (input.type) {
    case "number":
      return z.preprocess(
        (v) => (typeof v === "string" ? Number(v.trim()) : v),
        z.number({ error: `${label} must be a number` }).refine(Number.isFinite, `${label} must be a number`),
      );
    case "boolean":
      return z.preprocess((v) => {
        if (typeof v !== "string") return v;
        const word = v.trim().toLowerCase();
        return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : v;
      }, z.boolean({ error: `${label} must be true or false` }));
    case "select": {
      const values = (input.options ?? []).map((o) => o.value);
      return z.preprocess(
        (v) => (typeof v === "number" ? String(v) : v),
        z.string({ error: `${label} must be one of: ${values.join(", ")}` }).refine((v) => values.includes(v), `${label} must be one of: ${values.join(", ")}`),
      );
    }
    case "text":
      return z.string({ error: `${label} must be text` }).max(TEXT_MAX, `${label} may be at most ${TEXT_MAX} characters`);
    default:
      return z
        .string({ error: `${label} must be text` })
        .max(STRING_MAX, `${label} may be at most ${STRING_MAX} characters`)
        .refine((v) => !/[\r\n]/.test(v), `${label} must be a single line`);
  }
}

/** The zod schema for a pipeline's inputs: blank means missing, required checked, unknown names refused. */
export function buildInputsSchema(inputs: PipelineDefinition["inputs"]) {
  const shape: Record<string, z.ZodType<RunInputValue | undefined>> = {};
  for (const [name, input] of Object.entries(inputs)) {
    const base = valueSchema(name, input);
    shape[name] = z.preprocess(
      blankToUndefined,
      input.required && input.default === undefined
        ? base.optional().refine((v) => v !== undefined, `${inputLabel(name, input)} is required`)
        : base.optional(),
    );
  }
  return z.strictObject(shape);
}

/** Parses submitted inputs (form strings or JSON values) against the pipeline's `inputs`. */
export function parseRunInputs(inputs: PipelineDefinition["inputs"], raw: unknown): ParseRunInputsResult {
  const source = raw === undefined || raw === null ? {} : raw;
  if (typeof source !== "object" || Array.isArray(source)) return { ok: false, fieldErrors: { _: "inputs must be an object of name: value" } };
  // zod skips optional keys that are missing, so defaults are filled in before parsing
  const withDefaults: Record<string, unknown> = { ...source };
  for (const [name, input] of Object.entries(inputs)) {
    // an explicit undefined (not a missing key) makes zod check "required"
    if (blankToUndefined(withDefaults[name]) === undefined) withDefaults[name] = input.default;
  }
  const parsed = buildInputsSchema(inputs).safeParse(withDefaults);
  if (parsed.success) {
    const values: RunInputValues = {};
    for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) values[k] = v;
    return { ok: true, values };
  }
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fieldErrors[key] = `this pipeline has no input "${key}"`;
      continue;
    }
    const field = String(issue.path[0] ?? "_");
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}

/**
 * Picks the pipeline's inputs out of a submitted form. A checkbox that is not ticked is absent from the
 * form, so a missing boolean means false.
 */
export function inputsFromForm(inputs: PipelineDefinition["inputs"], form: { get(name: string): unknown }): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(inputs)) {
    const value = form.get(name);
    if (input.type === "boolean") values[name] = typeof value === "string" ? value : false;
    else if (typeof value === "string") values[name] = value;
  }
  return values;
}
