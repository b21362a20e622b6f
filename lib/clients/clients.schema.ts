import "server-only";
import { z } from "zod";
import { CURSOR_MAX_CHARS } from "@/lib/db/cursor";
import { SLUG_PATTERN, WORKSPACE_SCOPE } from "@/lib/workspace/paths";

const ZClientSlug = z
  .string()
  .trim()
  .regex(SLUG_PATTERN, "Use lowercase letters, digits and dashes (at most 63), starting with a letter or digit")
  .refine((slug) => slug !== WORKSPACE_SCOPE, `"${WORKSPACE_SCOPE}" is the workspace's own scope; choose another slug`);

export const ZCreateClientInput = z.object({
  slug: ZClientSlug,
  name: z.string().trim().min(1, "Give the client a name").max(120),
  description: z.string().trim().max(2000).default(""),
});

export const ZUpdateClientInput = z.object({
  slug: ZClientSlug,
  name: z.string().trim().min(1, "Give the client a name").max(120),
  description: z.string().trim().max(2000).default(""),
  // budgets are an admin's: left out, they stay as they are (null clears one); an operator's edit never writes them
  monthlyBudgetUsd: z.number().min(0).max(1_000_000).nullable().optional(),
  // tokens a month on a subscription login (every kind: input, output, cache)
  monthlyTokenBudget: z.number().int("Whole tokens").min(0).max(1_000_000_000_000).nullable().optional(),
});

export const MEMORY_MAX_BYTES = 512 * 1024;

export const ZSaveMemoryInput = z.object({
  slug: ZClientSlug,
  content: z.string().refine((s) => Buffer.byteLength(s) <= MEMORY_MAX_BYTES, `CLAUDE.md may be at most ${MEMORY_MAX_BYTES / 1024} KB`),
});

export const ZArchiveClientInput = z.object({ slug: ZClientSlug, archived: z.boolean() });

export const ZListClientsInput = z.object({
  includeArchived: z.boolean().default(false),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(CURSOR_MAX_CHARS).nullish(),
});
export type ListClientsInput = z.input<typeof ZListClientsInput>;

/** GET /api/clients's query string: `archived=true` includes archived clients. */
export function listClientsQuery(q: URLSearchParams): ListClientsInput {
  return { includeArchived: q.get("archived") === "true", limit: q.get("limit") ?? undefined, cursor: q.get("cursor") || null };
}
