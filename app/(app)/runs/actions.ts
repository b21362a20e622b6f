"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { ZResolveOutcomeInput, ZRunIdInput } from "@/lib/engine/engine.schema";
import { answerInput } from "@/lib/engine/input-waits";
import { ZAnswerInputInput } from "@/lib/engine/input-waits.schema";
import { rerunRun } from "@/lib/engine/rerun";
import { ZRerunRunInput } from "@/lib/engine/rerun.schema";
import { cancelRun, resolveUnknownOutcome, retryRun } from "@/lib/engine/run-control";

export const cancelRunAction = authAction({ schema: ZRunIdInput }, async (input, user) => {
  const result = await cancelRun(input.id, { id: user.id, label: user.email });
  revalidatePath(`/runs/${input.id}`);
  return result;
});

export const retryRunAction = authAction({ schema: ZRunIdInput }, async (input, user) => {
  const result = await retryRun(input.id, { id: user.id, label: user.email });
  revalidatePath(`/runs/${input.id}`);
  return result;
});

export const resolveOutcomeAction = authAction({ schema: ZResolveOutcomeInput }, async (input, user) =>
  resolveUnknownOutcome({ runId: input.id, stepId: input.stepId, action: input.action, actor: { id: user.id, label: user.email } }),
);

/** Queues the rerun and returns its id; the page navigates to it. */
export const rerunRunAction = authAction({ schema: ZRerunRunInput }, async ({ id, ...override }, user) => {
  const result = await rerunRun(id, override, { id: user.id, label: user.email }, user.role === "admin" ? "admin" : "operator");
  revalidatePath("/runs");
  return result;
});

/**
 * Answers the question a step's tool asked (the run page's and the Today board's form; each refreshes
 * itself): the question the form showed (`requestId`), never a newer one.
 */
export const answerInputAction = authAction({ schema: ZAnswerInputInput }, async ({ id, ...answer }, user) =>
  answerInput({ runId: id, requestId: answer.requestId, stepId: answer.stepId, action: answer.action, content: answer.content, actor: { id: user.id, label: user.email } }),
);
