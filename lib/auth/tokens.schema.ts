// Inputs of the API token forms on /settings.
import { z } from "zod";

export const ZCreateTokenInput = z.object({ name: z.string().trim().min(1, "Name the token after what uses it").max(80) });
export const ZRevokeTokenInput = z.object({ id: z.string().min(1).max(64) });
