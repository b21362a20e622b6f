"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction } from "@/lib/actions/safe-action";
import { cancelRun, resolveUnknownOutcome, retryRun } from "@/lib/engine/run-control";

const ZRunId = z.object({ id: z.string().min(1).max(64) });

export const cancelRunAction = authAction({ schema: ZRunId }, async (input, user) => {
  const result = await cancelRun(input.id, { id: user.id, label: user.email });
  revalidatePath(`/runs/${input.id}`);
  return result;
});

export const retryRunAction = authAction({ schema: ZRunId }, async (input, user) => {
  const result = await retryRun(input.id, { id: user.id, label: user.email });
  revalidatePath(`/runs/${input.id}`);
  return result;
});

export const resolveOutcomeAction = authAction(
  { schema: z.object({ id: z.string().min(1).max(64), stepId: z.string().min(1).max(64), action: z.enum(["retry", "skip"]) }) },
  async (input, user) => resolveUnknownOutcome({ runId: input.id, stepId: input.stepId, action: input.action, actor: { id: user.id, label: user.email } }),
);
