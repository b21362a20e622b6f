// What asks for a run, the same from POST /api/runs and from the run form's action: a pipeline, an
// optional client, and the inputs. The inputs' own rules (types, required, defaults) come from the
// pipeline's `inputs` block and are checked by parseRunInputs when the run is queued.
import { z } from "zod";
import type { PipelineDefinition, PipelineInput } from "@/lib/pipelines/pipeline.schema";

export const ZRunRequest = z.object({
  pipeline: z.string().min(1, "Choose a pipeline").max(64),
  client: z.string().max(64).nullish(),
  inputs: z.record(z.string(), z.unknown(), { error: "inputs must be an object of name: value" }).optional(),
});

// The inputs themselves: a zod schema built from a pipeline's `inputs` block, one clear message per field.
type RunInputValue = string | number | boolean;
export type RunInputValues = Record<string, RunInputValue>;

const STRING_MAX = 2_000;
const TEXT_MAX = 200_000;
const TRUE_WORDS = new Set(["true", "on", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "off", "0", "no"]);

function inputLabel(name: string, input: PipelineInput): string {
  return input.label ?? name;
}

/** An empty form field means "not given". */
export function blankToUndefined(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string" && value.trim() === "") return undefined;
  return value;
}

function valueSchema(name: string, input: PipelineInput): z.ZodType<RunInputValue> {
  const label = inputLabel(name, input);
  switch (input.type) {
    case "number":
      return z.preprocess((v) => (typeof v === "string" ? Number(v.trim()) : v), z.number({ error: `${label} must be a number` }).refine(Number.isFinite, `${label} must be a number`));
    case "boolean":
      return z.preprocess(
        (v) => {
          if (typeof v !== "string") return v;
          const word = v.trim().toLowerCase();
          return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : v;
        },
        z.boolean({ error: `${label} must be true or false` }),
      );
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
    shape[name] = z.preprocess(blankToUndefined, input.required && input.default === undefined ? base.optional().refine((v) => v !== undefined, `${inputLabel(name, input)} is required`) : base.optional());
  }
  return z.strictObject(shape);
}
