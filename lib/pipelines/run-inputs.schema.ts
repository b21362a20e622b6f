// What asks for a run, the same from POST /api/runs and from the run form's action: a pipeline, an
// optional client, and the inputs. The inputs' own rules (types, required, defaults) come from the
// pipeline's `inputs` block and are checked by parseRunInputs when the run is queued.
import { z } from "zod";

export const ZRunRequest = z.object({
  pipeline: z.string().min(1, "Choose a pipeline").max(64),
  client: z.string().max(64).nullish(),
  inputs: z.record(z.string(), z.unknown(), { error: "inputs must be an object of name: value" }).optional(),
});
export type RunRequest = z.input<typeof ZRunRequest>;
