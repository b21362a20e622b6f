import { z } from "zod";
import { SLUG_PATTERN } from "@/lib/workspace/paths";

/** The run form's pre-flight check: the pipeline, and the client it would run for. */
export const ZPreflightInput = z.object({
  pipeline: z.string().regex(SLUG_PATTERN, "Unknown pipeline"),
  client: z.string().regex(SLUG_PATTERN, "Unknown client").nullable(),
});
