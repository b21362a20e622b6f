import { z } from "zod";

export const DRAFT_BODY_MAX_BYTES = 2 * 1024 * 1024;
export const DRAFT_STATUSES = ["pending", "approved", "rejected"] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

const ZBody = z
  .string({ error: "The body must be text" })
  .refine((s) => Buffer.byteLength(s) <= DRAFT_BODY_MAX_BYTES, `A draft may be at most ${DRAFT_BODY_MAX_BYTES / 1024 / 1024} MB`);

export const ZSaveDraftInput = z.object({
  title: z.string().trim().min(1, "The title cannot be empty").max(10_000).optional(),
  body: ZBody,
  /** the version the editor started from: a save over someone else's newer version is refused */
  baseVersion: z.number().int().min(1).optional(),
});

export const ZApproveDraftInput = z.object({
  /** the version the reviewer read; when it is no longer current the approval is refused */
  version: z.number().int().min(1).optional(),
  note: z.string().trim().max(2000).optional(),
});

export const ZRejectDraftInput = z.object({
  note: z.string({ error: "Say why the draft is rejected" }).trim().min(1, "Say why the draft is rejected").max(2000),
});

export const ZListDraftsInput = z.object({
  status: z.enum(DRAFT_STATUSES).nullish(),
  clientSlug: z.string().max(64).nullish(),
  pipeline: z.string().max(64).nullish(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).nullish(),
});

export type SaveDraftInput = z.input<typeof ZSaveDraftInput>;
export type ApproveDraftInput = z.input<typeof ZApproveDraftInput>;
export type ListDraftsInput = z.input<typeof ZListDraftsInput>;
