// Inputs and stored shapes of the run engine (INTERFACES.md: run and step statuses, GET /api/runs/<id>).
import { z } from "zod";
import { SLUG_PATTERN } from "@/lib/workspace/paths";

export const RUN_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "cancelled", "rejected"] as const;
export const STEP_STATUSES = ["pending", "running", "waiting", "succeeded", "failed", "skipped", "cancelled"] as const;
/** How a pipeline run was queued. */
export const PIPELINE_TRIGGERS = ["manual", "api", "schedule", "retry", "rerun", "catch-up"] as const;
/** Every run's trigger: a pipeline's, or "adhoc", an admin's single tool call (lib/engine/adhoc-calls.ts). */
export const RUN_TRIGGERS = [...PIPELINE_TRIGGERS, "adhoc"] as const;
export const ACTIVE_RUN_STATUSES = ["queued", "running", "waiting"] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];
export type StepStatus = (typeof STEP_STATUSES)[number];
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const ZActor = z.object({ id: z.string().nullish(), label: z.string().max(200) });
export type EngineActor = z.infer<typeof ZActor>;

export const ZQueueRunInput = z.object({
  pipelineSlug: z.string().regex(SLUG_PATTERN, "Unknown pipeline"),
  clientSlug: z.string().regex(SLUG_PATTERN, "Unknown client").nullish(),
  inputs: z.unknown().optional(),
  createdBy: ZActor,
  trigger: z.enum(PIPELINE_TRIGGERS).default("manual"),
  heartbeatSlug: z.string().regex(SLUG_PATTERN).nullish(),
});
export type QueueRunInput = z.input<typeof ZQueueRunInput>;

/** What a tool step stores as its output, and what `{{ steps.<id>.text|json }}` reads. */
export const ZToolStepOutput = z.object({
  text: z.string(),
  json: z.unknown(),
  content: z.array(z.unknown()),
  isError: z.boolean(),
  reused: z.boolean().optional(),
  truncated: z.boolean().optional(),
});
export type ToolStepOutput = z.infer<typeof ZToolStepOutput>;

/** What an approval step stores once approved: `{{ steps.<id>.title|body }}`. */
export const ZApprovalStepOutput = z.object({
  title: z.string(),
  body: z.string(),
  version: z.number().int(),
  text: z.string(),
});
export type ApprovalStepOutput = z.infer<typeof ZApprovalStepOutput>;

/**
 * Markers the engine keeps in an unfinished attempt's outputJson. `interrupted`: the worker stopped
 * while it ran (its tool call may have been sent, so the next attempt reuses its idempotency key).
 * `outcomeUnknown`: a side effect may or may not have happened; a human decides.
 */
export const ZAttemptMarker = z.object({
  interrupted: z.boolean().optional(),
  outcomeUnknown: z.boolean().optional(),
  idempotencyKey: z.string().optional(),
  /** a human checked an unknown outcome and chose to send the call again, under a new key */
  resend: z.boolean().optional(),
});
export type AttemptMarker = z.infer<typeof ZAttemptMarker>;

export const ZListRunsInput = z.object({
  clientSlug: z.string().nullish(),
  pipeline: z.string().nullish(),
  status: z.union([z.enum(RUN_STATUSES), z.array(z.enum(RUN_STATUSES))]).nullish(),
  trigger: z.enum(RUN_TRIGGERS).nullish(),
  from: z.coerce.date().nullish(),
  to: z.coerce.date().nullish(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).nullish(),
});
export type ListRunsInput = z.input<typeof ZListRunsInput>;
