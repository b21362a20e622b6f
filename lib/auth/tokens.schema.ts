// Inputs of the API token forms on /settings.
import { z } from "zod";

/** read: only reads; run: also runs pipelines and decides drafts; admin: everything its maker may do. */
export const ZTokenScope = z.enum(["read", "run", "admin"]);
export type TokenScope = z.infer<typeof ZTokenScope>;

export const ZCreateTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token after what uses it").max(80),
  scope: ZTokenScope.default("run"),
});
export type CreateTokenInput = z.input<typeof ZCreateTokenInput>;

export const ZTokenId = z.object({ id: z.string().min(1).max(64) });
