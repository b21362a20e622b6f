// Inputs of the tools Switchboard serves as an MCP server (/api/mcp). Each is a zod object: it is the
// tool's inputSchema (as JSON Schema, through z.toJSONSchema) and what a call's arguments are parsed with.
import { z } from "zod";
import { DRAFT_TITLE_MAX_CHARS } from "@/lib/drafts/drafts.schema";
import { RUN_STATUSES, RUN_TRIGGERS } from "@/lib/engine/engine.schema";
import { SLUG_PATTERN } from "@/lib/workspace/paths";

/** Where a client puts run_pipeline's idempotency key: the request's `_meta` (MCP's place for such data). */
export const IDEMPOTENCY_META_KEY = "switchboard/idempotencyKey";
export const ZIdempotencyKey = z.string().trim().min(1).max(200);

const ZSlug = (what: string) => z.string().regex(SLUG_PATTERN, `${what} must be a slug (lowercase letters, digits and dashes)`);
const ZId = (what: string) => z.string().min(1, `Name the ${what}`).max(64, `That is not a ${what} id`);
const ZVersion = z.number({ error: "version must be the draft version you read (a whole number, from get_draft)" }).int().min(1);
const ZDay = z.string().max(40).describe("a day (YYYY-MM-DD) or an ISO 8601 time");
const ZLimit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

export const ZNoInput = z.object({});

export const ZWhatsWaitingInput = z.object({
  client: ZSlug("client").optional().describe("only this client's items"),
  limit: ZLimit(100, 25).describe("at most this many items per kind (counts are always whole)"),
});

export const ZClientInput = z.object({ client: ZSlug("client").describe("the client's slug (list_clients)") });

export const ZClientHistoryInput = z.object({
  client: ZSlug("client").describe("the client's slug (list_clients)"),
  from: ZDay.optional().describe("runs and decided drafts from this day or time on"),
  to: ZDay.optional().describe("runs and decided drafts before this day or time"),
  limit: ZLimit(100, 20).describe("at most this many runs and drafts"),
});

export const ZRunPipelineInput = z.object({
  pipeline: ZSlug("pipeline").describe("the pipeline's slug (list_pipelines)"),
  client: ZSlug("client").optional().describe("the client to run it for"),
  inputs: z.record(z.string(), z.unknown()).optional().describe("the pipeline's inputs, by name (list_pipelines shows them)"),
});

export const ZRunIdInput = z.object({ run: ZId("run").describe("the run's id") });

export const ZListRunsInput = z.object({
  client: ZSlug("client").optional(),
  pipeline: ZSlug("pipeline").optional(),
  status: z.enum(RUN_STATUSES).optional(),
  trigger: z.enum(RUN_TRIGGERS).optional(),
  from: ZDay.optional(),
  to: ZDay.optional(),
  limit: ZLimit(100, 20),
  cursor: z.string().max(400).optional().describe("nextCursor of the previous page"),
});

export const ZDraftIdInput = z.object({ draft: ZId("draft").describe("the draft's id") });

export const ZEditDraftInput = z.object({
  draft: ZId("draft"),
  version: ZVersion.describe("the version you edited (get_draft's version); a newer one is not overwritten"),
  title: z.string().trim().min(1).max(DRAFT_TITLE_MAX_CHARS).optional(),
  body: z.string({ error: "body must be the whole new text" }),
});

export const ZApproveDraftInput = z.object({
  draft: ZId("draft"),
  version: ZVersion.describe("the version you read (get_draft's version); approving is refused when it is no longer current"),
  note: z.string().trim().max(2000).optional(),
});

export const ZRejectDraftInput = z.object({
  draft: ZId("draft"),
  version: ZVersion.describe("the version you read (get_draft's version)"),
  note: z.string().trim().min(1, "Say why the draft is rejected").max(2000),
});

export const ZHeartbeatInput = z.object({ heartbeat: ZSlug("heartbeat").describe("the heartbeat's slug (list_heartbeats)") });

export const ZListHeartbeatsInput = z.object({ client: ZSlug("client").optional() });

export const ZGetSpendInput = z.object({
  client: ZSlug("client").optional().describe("one client's last months; without it, every client this month"),
  months: z.number().int().min(1).max(24).default(3).describe("with client: how many months back"),
});
