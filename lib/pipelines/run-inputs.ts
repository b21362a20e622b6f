// The run form: a pipeline's `inputs` parsed from what a form or the API submitted into typed values,
// with one clear message per field (the schema is built in run-inputs.schema.ts).
import type { PipelineDefinition } from "@/lib/pipelines/pipeline.schema";
import { blankToUndefined, buildInputsSchema, type RunInputValues } from "@/lib/pipelines/run-inputs.schema";

type ParseRunInputsResult = { ok: true; values: RunInputValues } | { ok: false; fieldErrors: Record<string, string> };

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
