// The seam between drafts and the engine, kept in lib/drafts so the dependency runs one way only:
// the engine imports drafts (to open and close Draft rows, open-draft.ts); drafts never imports the
// engine. A decision reaches the run through one function the caller hands in: the engine's
// applyDraftDecision, which commits the draft's decision and the run's continuation in ONE transaction.
import type { Prisma } from "@/lib/generated/prisma/client";

export type Tx = Prisma.TransactionClient;

export type DraftDecisionOutcome = { kind: "approved"; version: number; title: string; body: string } | { kind: "rejected"; note: string };

export type DraftDecision = {
  draftId: string;
  runId: string | null;
  runStepId: string | null;
  outcome: DraftDecisionOutcome;
  actor: { id?: string | null; label: string };
  /**
   * The draft's own compare-and-swap (pending -> decided), run first inside the transaction; false when
   * another request decided first or the version is stale, and then nothing else is written.
   */
  record: (tx: Tx) => Promise<boolean>;
};

/** recorded: this request's decision won; continued: its run moved on (continued, or ended as rejected). */
export type DecisionResult = { recorded: boolean; continued: boolean; runId: string | null };

export type DraftDecisionHandler = (decision: DraftDecision) => Promise<DecisionResult>;
