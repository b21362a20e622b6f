// What answers a step waiting for input: POST /api/runs/<id>/input and the run page's form.
import { z } from "zod";

const INPUT_ACTIONS = ["accept", "decline", "cancel"] as const;

/** The body of POST /api/runs/<id>/input. `content`: the answer's fields, with accept only (checked against the requested schema). */
export const ZAnswerInputRequest = z
  .object({
    stepId: z.string().min(1).max(64).nullish(),
    action: z.enum(INPUT_ACTIONS, { error: "action must be accept, decline or cancel" }),
    content: z.record(z.string(), z.unknown(), { error: "content must be an object of the requested fields" }).optional(),
  })
  .strict();

/** The run page's and the Today board's form. */
export const ZAnswerInputInput = ZAnswerInputRequest.extend({ id: z.string().min(1).max(64) });
