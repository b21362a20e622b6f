// Inputs of the /tools page and POST /api/mcp/servers/<name>/tools/<tool>: an ad-hoc call, approving a
// client's server entry, accepting a changed tool.
import { z } from "zod";

const ZToolArguments = z.record(z.string(), z.unknown(), { error: "arguments must be an object of name: value" });

/** The body of POST /api/mcp/servers/<name>/tools/<tool>; the server and tool come from the path. */
export const ZCallToolBody = z.object({ arguments: ZToolArguments.default({}), client: z.string().max(64).nullish() });

export const ZCallToolInput = z.object({ server: z.string().min(1).max(64), tool: z.string().min(1).max(128), arguments: ZToolArguments });

export const ZApproveServerInput = z.object({
  slug: z.string().max(64),
  name: z.string().max(64),
  contentHash: z.string().length(64),
  allowedVars: z.array(z.string().max(128)).max(50),
});

/** An admin's "reveal" of a client entry's env and header values, for the entry as loaded (its hash). */
export const ZRevealServerInput = ZApproveServerInput.omit({ allowedVars: true });

export const ZAcceptToolChangeInput = z.object({ scope: z.string().max(64), server: z.string().max(64), tool: z.string().max(128), hash: z.string().regex(/^[0-9a-f]{64}$/) });
