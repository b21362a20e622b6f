"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction } from "@/lib/actions/safe-action";
import { applyDraftDecision } from "@/lib/engine/approvals";
import { approveDraft, rejectDraft, saveDraftVersion } from "@/lib/drafts/drafts";
import { ZApproveDraftInput, ZRejectDraftInput, ZSaveDraftInput } from "@/lib/drafts/drafts.schema";

const ZDraftId = { id: z.string().min(1).max(64) };

export const saveDraftAction = authAction({ schema: ZSaveDraftInput.extend(ZDraftId) }, async ({ id, ...input }, user) => {
  const result = await saveDraftVersion(id, input, { id: user.id, label: user.email });
  revalidatePath(`/drafts/${id}`);
  return result;
});

export const approveDraftAction = authAction({ schema: ZApproveDraftInput.extend(ZDraftId) }, async ({ id, ...input }, user) => {
  const result = await approveDraft(id, input, { id: user.id, label: user.email }, applyDraftDecision);
  revalidatePath(`/drafts/${id}`);
  revalidatePath("/drafts");
  return result;
});

export const rejectDraftAction = authAction({ schema: ZRejectDraftInput.extend(ZDraftId) }, async ({ id, ...input }, user) => {
  const result = await rejectDraft(id, input, { id: user.id, label: user.email }, applyDraftDecision);
  revalidatePath(`/drafts/${id}`);
  revalidatePath("/drafts");
  return result;
});
