// What asks for a rerun (POST /api/runs/<id>/rerun and the run page's form) and for a comparison of two runs.
import { z } from "zod";
import { AGENT_RUNNERS } from "@/lib/pipelines/pipeline.schema";

/** A blank model field means "the runner's default" (or the step's own model when the runner stays). */
const ZModelOverride = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v),
  z
    .string({ error: "model must be text" })
    .max(200, "model may be at most 200 characters")
    .regex(/^[\w.:/@-]+$/, "model may hold only letters, digits and . : / @ - _")
    .optional(),
);

/** The runner and model every agent step of the new run uses; either may be left out. */
export const ZAgentOverride = z.object({
  runner: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(AGENT_RUNNERS, { error: `Unknown runner: use one of ${AGENT_RUNNERS.join(", ")}` }).optional()),
  model: ZModelOverride,
});
export type AgentOverride = z.infer<typeof ZAgentOverride>;

/** The body of POST /api/runs/<id>/rerun. */
export const ZRerunRequest = ZAgentOverride.strict();

/** The run page's "Run again with another runner" form. */
export const ZRerunRunInput = ZAgentOverride.extend({ id: z.string().min(1).max(64) });

/** `/runs/compare?a=&b=`: two run ids; anything else is shown as "no such run", never thrown. */
export const ZCompareQuery = z.object({
  a: z.string().max(64).catch(""),
  b: z.string().max(64).catch(""),
});
