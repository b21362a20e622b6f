"use server";
import { revalidatePath } from "next/cache";
import { authAction } from "@/lib/actions/safe-action";
import { approveDraftAndContinue, rejectDraftAndEndRun } from "@/lib/engine/approvals";
import { saveDraftVersion } from "@/lib/drafts/drafts";
import { ZApproveDraftActionInput, ZRejectDraftActionInput, ZSaveDraftActionInput } from "@/lib/drafts/drafts.schema";

export const saveDraftAction = authAction({ schema: ZSaveDraftActionInput }, async ({ id, ...input }, user) => {
  const result = await saveDraftVersion(id, input, { id: user.id, label: user.email });
  revalidatePath(`/drafts/${id}`);
  return result;
});

export const approveDraftAction = authAction({ schema: ZApproveDraftActionInput }, async ({ id, ...input }, user) => {
  const result = await approveDraftAndContinue(id, input, { id: user.id, label: user.email });
  revalidatePath(`/drafts/${id}`);
  revalidatePath("/drafts");
  return result;
});

export const rejectDraftAction = authAction({ schema: ZRejectDraftActionInput }, async ({ id, ...input }, user) => {
  const result = await rejectDraftAndEndRun(id, input, { id: user.id, label: user.email });
  revalidatePath(`/drafts/${id}`);
  revalidatePath("/drafts");
  return result;
});
