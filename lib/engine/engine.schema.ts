// Inputs and stored shapes of the run engine (INTERFACES.md: run and step statuses, GET /api/runs/<id>).
import "server-only";
import { z } from "zod";
import { CURSOR_MAX_CHARS } from "@/lib/db/cursor";
import { runDateBound } from "@/lib/engine/run-dates";
import { ZAgentOverride } from "@/lib/engine/rerun.schema";
import { SLUG_PATTERN } from "@/lib/workspace/paths";

export const RUN_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "cancelled", "rejected"] as const;
export const STEP_STATUSES = ["pending", "running", "waiting", "succeeded", "failed", "skipped", "cancelled"] as const;
/** How a pipeline run was queued. */
export const PIPELINE_TRIGGERS = ["manual", "api", "schedule", "retry", "rerun", "catch-up"] as const;
/** Every run's trigger: a pipeline's, or "adhoc", an admin's single tool call (lib/engine/adhoc-calls.ts). */
export const RUN_TRIGGERS = [...PIPELINE_TRIGGERS, "adhoc"] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];
export type StepStatus = (typeof STEP_STATUSES)[number];
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export type PipelineTrigger = (typeof PIPELINE_TRIGGERS)[number];

const ZActor = z.object({ id: z.string().nullish(), label: z.string().max(200) });
export type EngineActor = z.infer<typeof ZActor>;

export const ZQueueRunInput = z.object({
  pipelineSlug: z.string().regex(SLUG_PATTERN, "Unknown pipeline"),
  clientSlug: z.string().regex(SLUG_PATTERN, "Unknown client").nullish(),
  inputs: z.unknown().optional(),
  createdBy: ZActor,
  trigger: z.enum(PIPELINE_TRIGGERS).default("manual"),
  heartbeatSlug: z.string().regex(SLUG_PATTERN).nullish(),
  /** a rerun: the run it repeats, and the runner/model its agent steps switch to (lib/engine/rerun.ts) */
  rerun: ZAgentOverride.extend({ of: z.string().min(1).max(64) }).optional(),
});
export type QueueRunInput = z.input<typeof ZQueueRunInput>;

/** What a tool step stores as its output, and what `{{ steps.<id>.text|json }}` reads. */
const ZToolStepOutput = z.object({
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

export const RUN_SORTS = ["newest", "cost"] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export const ZListRunsInput = z.object({
  clientSlug: z.string().nullish(),
  pipeline: z.string().nullish(),
  status: z.union([z.enum(RUN_STATUSES), z.array(z.enum(RUN_STATUSES))]).nullish(),
  trigger: z.enum(RUN_TRIGGERS).nullish(),
  // a day or an ISO time; what each means is runDateBound's (lib/engine/run-dates.ts)
  from: z.preprocess((v) => runDateBound(v, "from"), z.date({ error: "from must be a day (YYYY-MM-DD) or an ISO 8601 time" }).optional()),
  to: z.preprocess((v) => runDateBound(v, "to"), z.date({ error: "to must be a day (YYYY-MM-DD) or an ISO 8601 time" }).optional()),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(CURSOR_MAX_CHARS).nullish(),
  // newest first (the default), or most expensive first (USD at API prices)
  sort: z.enum(RUN_SORTS, { error: `sort must be one of ${RUN_SORTS.join(", ")}` }).nullish(),
});
export type ListRunsInput = z.input<typeof ZListRunsInput>;

const ZRunStatusList = z.array(z.enum(RUN_STATUSES, { error: `status must be one of ${RUN_STATUSES.join(", ")}` }));

/**
 * The runs list's query string as listRuns reads it, for GET /api/runs and the /runs page alike: `status`
 * may repeat or be comma-separated. The API is strict (a bad value is a 400); the page is `lenient` and
 * drops a status or date it cannot read, as its form would never send one.
 */
function sortOf(raw: string | null, lenient = false): RunSort | undefined {
  if (!raw) return undefined;
  if (lenient && !(RUN_SORTS as readonly string[]).includes(raw)) return undefined;
  return raw as RunSort;
}

export function listRunsQuery(q: URLSearchParams, options: { lenient?: boolean } = {}): ListRunsInput {
  const raw = q
    .getAll("status")
    .flatMap((s) => s.split(","))
    .filter(Boolean);
  const statuses = options.lenient ? raw.filter((s): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s)) : ZRunStatusList.parse(raw);
  const date = (edge: "from" | "to") => {
    const value = q.get(edge) || undefined;
    return options.lenient && !(runDateBound(value, edge) instanceof Date) ? undefined : value;
  };
  return {
    clientSlug: q.get("client") || null,
    pipeline: q.get("pipeline") || null,
    status: statuses.length === 0 ? undefined : statuses,
    trigger: (q.get("trigger") || undefined) as RunTrigger | undefined,
    from: date("from"),
    to: date("to"),
    limit: q.get("limit") ?? undefined,
    cursor: q.get("cursor") || null,
    sort: sortOf(q.get("sort"), options.lenient),
  };
}

/** `afterEventId` of GET /api/runs/<id>: events after this id; anything unreadable means from the start. */
export const ZAfterEventId = z.coerce.number().int().min(0).catch(0);

export const ZRunIdInput = z.object({ id: z.string().min(1).max(64) });

/** A human's decision on a step whose outcome is unknown: send the call again, or go on without it. */
export const ZResolveOutcomeInput = ZRunIdInput.extend({ stepId: z.string().min(1).max(64), action: z.enum(["retry", "skip"]) });

/** A run's stored inputs, as queueRun wrote them. */
export const ZStoredRunInputs = z.record(z.string(), z.unknown());
