// A draft as a reviewer sees it, the same on /drafts/<id> and from GET /api/drafts/<id>: while it is
// pending, what approving it will do (the frozen calls that follow), with a one-sentence summary.
import { approvalEffectSummary, describeApprovalEffect } from "@/lib/engine/approval-effect";
import { getDraftDetail } from "@/lib/drafts/drafts";

export async function getDraftForReview(id: string) {
  const draft = await getDraftDetail(id);
  const effect = draft.status === "pending" ? await describeApprovalEffect(draft) : null;
  return { ...draft, approvalEffect: effect && { ...effect, summary: approvalEffectSummary(effect) } };
}
