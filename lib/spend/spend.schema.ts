import { z } from "zod";

const ZUsdPerMTok = z.coerce.number({ error: "Enter a price in USD per million tokens" }).min(0, "A price cannot be negative").max(10_000, "At most $10,000 per million tokens");

/** A model id as runners report it: letters, digits, dots, dashes, underscores, colons and slashes. */
export const ZModelId = z
  .string()
  .trim()
  .min(1, "Name the model")
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, "Use the model id the runner reports (letters, digits, . _ : / -)");

export const ZModelPriceInput = z.object({
  model: ZModelId,
  inputUsdPerMTok: ZUsdPerMTok,
  outputUsdPerMTok: ZUsdPerMTok,
  cacheReadUsdPerMTok: ZUsdPerMTok,
  cacheWriteUsdPerMTok: ZUsdPerMTok,
});
export type ModelPriceInput = z.infer<typeof ZModelPriceInput>;

export const ZDeleteModelPriceInput = z.object({ model: ZModelId });

/** The price applied to a step, as kept with it (RunStep.priceJson). */
export const ZAppliedPrice = ZModelPriceInput.extend({ updatedAt: z.string() });
export type AppliedPrice = z.infer<typeof ZAppliedPrice>;
