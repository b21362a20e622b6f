// Inputs of the drafts module (INTERFACES.md: PUT /api/drafts/<id>, approve, reject, the inbox list).
import "server-only";
import { z } from "zod";
import { CURSOR_MAX_CHARS } from "@/lib/db/cursor";

/** A draft body is at most 2 MB of UTF-8 (SECURITY.md limits); the engine refuses larger drafts too. */
export const DRAFT_BODY_MAX_BYTES = 2 * 1024 * 1024;
/** The engine shortens longer titles made by a pipeline to this; an edit may not exceed it either. */
export const DRAFT_TITLE_MAX_CHARS = 300;
const DRAFT_NOTE_MAX_CHARS = 2000;
export const DRAFT_STATUSES = ["pending", "approved", "rejected"] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

const ZBody = z.string({ error: "The body must be text" }).refine((s) => Buffer.byteLength(s) <= DRAFT_BODY_MAX_BYTES, {
  error: (issue) => `The body is ${Math.ceil(Buffer.byteLength(String(issue.input)) / 1024)} KB; a draft may be at most ${DRAFT_BODY_MAX_BYTES / 1024 / 1024} MB`,
});

const ZVersion = z.number({ error: "The version must be a number" }).int().min(1);

export const ZSaveDraftInput = z.object({
  title: z.string().trim().min(1, "The title cannot be empty").max(DRAFT_TITLE_MAX_CHARS, `A title may be at most ${DRAFT_TITLE_MAX_CHARS} characters`).optional(),
  body: ZBody,
  /** the version the editor started from: a save over someone else's newer version is refused */
  baseVersion: ZVersion.optional(),
});

export const ZApproveDraftInput = z.object({
  /** the version the reviewer read; when it is no longer current the approval is refused */
  version: ZVersion.optional(),
  note: z.string().trim().max(DRAFT_NOTE_MAX_CHARS).optional(),
});

export const ZRejectDraftInput = z.object({
  note: z.string({ error: "Say why the draft is rejected" }).trim().min(1, "Say why the draft is rejected").max(DRAFT_NOTE_MAX_CHARS),
  /** the version the reviewer read; when it is no longer current the rejection is refused */
  version: ZVersion.optional(),
});

export const ZListDraftsInput = z.object({
  status: z.enum(DRAFT_STATUSES, { error: `status must be one of ${DRAFT_STATUSES.join(", ")}` }).nullish(),
  clientSlug: z.string().max(64).nullish(),
  pipeline: z.string().max(64).nullish(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(CURSOR_MAX_CHARS).nullish(),
  /** last changed in [updatedFrom, updatedTo) (a client's history for a period) */
  updatedFrom: z.date().nullish(),
  updatedTo: z.date().nullish(),
});

/** The version in GET /api/drafts/<id>/versions/<version>. */
export const ZDraftVersionParam = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, "The version must be a positive whole number")
  .transform(Number);

/** GET /api/drafts's query string as listDrafts reads it. */
export function listDraftsQuery(q: URLSearchParams): ListDraftsInput {
  return {
    status: ZListDraftsInput.shape.status.parse(q.get("status") || null),
    clientSlug: q.get("client"),
    pipeline: q.get("pipeline"),
    limit: q.get("limit") ?? undefined,
    cursor: q.get("cursor"),
  };
}

/** The page's actions name the draft in their input; the API has it in the path. */
const ZDraftId = { id: z.string().min(1).max(64) };
export const ZSaveDraftActionInput = ZSaveDraftInput.extend(ZDraftId);
export const ZApproveDraftActionInput = ZApproveDraftInput.extend(ZDraftId);
export const ZRejectDraftActionInput = ZRejectDraftInput.extend(ZDraftId);

export type ListDraftsInput = z.input<typeof ZListDraftsInput>;
