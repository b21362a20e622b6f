// What answers a step waiting for input: POST /api/runs/<id>/input and the run page's form.
import { z } from "zod";

const INPUT_ACTIONS = ["accept", "decline", "cancel"] as const;

/**
 * The body of POST /api/runs/<id>/input. `content`: the answer's fields, with accept only (checked against
 * the requested schema). `requestId`: the question answered (the step's `inputRequest.id`); with it, the
 * answer is taken only while that question is the open one (409 once it was answered or the tool asked
 * again), so a late answer never lands on a question its sender did not see. Without it: the step's (or
 * the run's) newest open question.
 */
export const ZAnswerInputRequest = z
  .object({
    requestId: z.string().min(1).max(64).nullish(),
    stepId: z.string().min(1).max(64).nullish(),
    action: z.enum(INPUT_ACTIONS, { error: "action must be accept, decline or cancel" }),
    content: z.record(z.string(), z.unknown(), { error: "content must be an object of the requested fields" }).optional(),
  })
  .strict();

/** The run page's and the Today board's form: always the question it shows (`requestId`). */
export const ZAnswerInputInput = ZAnswerInputRequest.extend({ id: z.string().min(1).max(64), requestId: z.string().min(1).max(64) });
