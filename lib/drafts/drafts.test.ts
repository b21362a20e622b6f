import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { describeApprovalEffect } from "@/lib/engine/approval-effect";
import type { DraftDecisionHandler } from "@/lib/drafts/decision";
import { applyDraftDecision } from "@/lib/engine/approvals";
import { approveDraft, getDraftDetail, listDrafts, rejectDraft, saveDraftVersion } from "@/lib/drafts/drafts";
import { getDraftForReview } from "@/lib/engine/draft-review";
import { ACTOR, ensureClient, ScriptedRunner, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";
import { Worker } from "@/lib/engine/worker";

const runner = new ScriptedRunner();
let worker: Worker;
const alice = { id: null, label: "alice@example.com" };
const bob = { id: null, label: "bob@example.com" };

beforeAll(async () => {
  await ensureClient("acme");
  writePipeline(
    "post",
    `name: Post
inputs:
  topic: { type: string, required: true }
steps:
  - id: review
    approval: { title: "Post about {{ inputs.topic }}", body: "Draft about {{ inputs.topic }}" }
  - id: publish
    tool: test/echo
    args: { message: "{{ steps.review.title }}|{{ steps.review.body }}" }
`,
  );
  worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
});

afterAll(() => worker.stop({ graceMs: 1_000 }));

async function waitingDraft(topic: string) {
  const runId = await queueRun({ pipelineSlug: "post", clientSlug: "acme", inputs: { topic }, createdBy: ACTOR });
  await waitForRunStatus(runId, ["waiting"]);
  const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } });
  return { runId, draftId: draft.id };
}

const publishCalls = (runId: string) => runner.calls.filter((c) => c.runId === runId && c.stepId === "publish");

describe("approving a draft", () => {
  it("10 concurrent approvals give exactly one continuation; the others are refused clearly", async () => {
    const { runId, draftId } = await waitingDraft("concurrency");
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => approveDraft(draftId, { version: 1 }, { id: null, label: `reviewer-${i}` }, applyDraftDecision)));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const l of lost) expect(String(l.reason.message)).toMatch(/already approved \(version 1\) by reviewer-\d/);
    await waitForRunStatus(runId, ["succeeded"]);
    expect(publishCalls(runId)).toHaveLength(1);
    const audit = await prisma.auditLog.count({ where: { targetType: "draft", targetId: draftId, action: "draft.approve" } });
    expect(audit).toBe(1);
  });

  it("approves the edited version: the run continues with the edited text", async () => {
    const { runId, draftId } = await waitingDraft("edit");
    await saveDraftVersion(draftId, { title: "Edited title", body: "Edited body", baseVersion: 1 }, alice);
    const effect = await describeApprovalEffect(await getDraftDetail(draftId));
    if (effect.kind !== "continues") throw new Error(`expected the run to continue, got ${effect.kind}`);
    expect(effect.calls[0]).toMatchObject({ tool: "echo", arguments: { message: "Edited title|Edited body" } });
    await approveDraft(draftId, { version: 2, note: "ship it" }, bob, applyDraftDecision);
    await waitForRunStatus(runId, ["succeeded"]);
    expect(publishCalls(runId)[0].arguments).toEqual({ message: "Edited title|Edited body" });
    const detail = await getDraftDetail(draftId);
    expect(detail.versions.map((v) => [v.version, v.authorLabel])).toEqual([
      [1, "pipeline"],
      [2, "alice@example.com"],
    ]);
    expect(detail.audit.map((a) => a.action)).toEqual(["draft.edit", "draft.approve"]);
  });

  it("refuses a stale version: approve then edit then replay the old approval", async () => {
    const { draftId } = await waitingDraft("stale");
    await saveDraftVersion(draftId, { body: "v2 body", baseVersion: 1 }, alice);
    await expect(approveDraft(draftId, { version: 1 }, bob, applyDraftDecision)).rejects.toThrow(/changed since you loaded it: version 2 is current/);
    await approveDraft(draftId, { version: 2 }, bob, applyDraftDecision);
    await expect(saveDraftVersion(draftId, { body: "late edit" }, alice)).rejects.toThrow(/already approved/);
    await expect(approveDraft(draftId, { version: 2 }, bob, applyDraftDecision)).rejects.toThrow(/already approved/);
  });

  it("refuses a rejection of a stale version; the current one is rejected", async () => {
    const { runId, draftId } = await waitingDraft("stale-reject");
    await saveDraftVersion(draftId, { body: "v2 body", baseVersion: 1 }, alice);
    await expect(rejectDraft(draftId, { version: 1, note: "no" }, bob, applyDraftDecision)).rejects.toThrow(/changed since you loaded it: version 2 is current/);
    expect((await getDraftDetail(draftId)).status).toBe("pending");
    await expect(rejectDraft(draftId, { version: 2, note: "no" }, bob, applyDraftDecision)).resolves.toMatchObject({ status: "rejected", version: 2 });
    await waitForRunStatus(runId, ["rejected"]);
  });

  it("refuses a save over a newer version", async () => {
    const { draftId } = await waitingDraft("two-tabs");
    await saveDraftVersion(draftId, { body: "tab one", baseVersion: 1 }, alice);
    await expect(saveDraftVersion(draftId, { body: "tab two", baseVersion: 1 }, bob)).rejects.toThrow(/changed since you opened it \(now version 2\)/);
  });
});

describe("a crash between a decision and its run continuing", () => {
  // the draft's write has happened when the "process dies" (an error thrown inside the transaction),
  // before the run's continuation: both must be undone together, so a retried click decides it cleanly
  const crashAfterRecord: DraftDecisionHandler = (decision) =>
    applyDraftDecision({
      ...decision,
      record: async (tx) => {
        expect(await decision.record(tx)).toBe(true);
        throw new Error("process died");
      },
    });

  it("leaves neither a decided draft nor a moved run: approving again continues the run once", async () => {
    const { runId, draftId } = await waitingDraft("crash-approve");
    await expect(approveDraft(draftId, { version: 1 }, bob, crashAfterRecord)).rejects.toThrow(/process died/);
    expect((await prisma.draft.findUniqueOrThrow({ where: { id: draftId } })).status).toBe("pending");
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("waiting");
    await Promise.allSettled([approveDraft(draftId, { version: 1 }, alice, applyDraftDecision), approveDraft(draftId, { version: 1 }, alice, applyDraftDecision)]);
    await expect(approveDraft(draftId, { version: 1 }, bob, applyDraftDecision)).rejects.toThrow(/already approved \(version 1\) by alice/);
    await waitForRunStatus(runId, ["succeeded"]);
    expect(publishCalls(runId)).toHaveLength(1);
  });

  it("a rejection that crashed leaves the draft pending; rejecting again ends the run as rejected", async () => {
    const { runId, draftId } = await waitingDraft("crash-reject");
    await expect(rejectDraft(draftId, { note: "no" }, bob, crashAfterRecord)).rejects.toThrow(/process died/);
    expect((await prisma.draft.findUniqueOrThrow({ where: { id: draftId } })).status).toBe("pending");
    await rejectDraft(draftId, { note: "again" }, alice, applyDraftDecision);
    await expect(rejectDraft(draftId, { note: "third" }, bob, applyDraftDecision)).rejects.toThrow(/already rejected by alice/);
    await waitForRunStatus(runId, ["rejected"]);
    expect(publishCalls(runId)).toHaveLength(0);
  });
});

describe("rejecting a draft", () => {
  it("needs a note, ends the run as rejected, and sends nothing", async () => {
    const { runId, draftId } = await waitingDraft("reject");
    await expect(rejectDraft(draftId, { note: "  " }, bob, applyDraftDecision)).rejects.toThrow(/Say why/);
    await rejectDraft(draftId, { note: "off brand" }, bob, applyDraftDecision);
    await waitForRunStatus(runId, ["rejected"]);
    expect(publishCalls(runId)).toHaveLength(0);
    await expect(approveDraft(draftId, {}, alice, applyDraftDecision)).rejects.toThrow(/already rejected by bob/);
  });
});

describe("bodies", () => {
  it("keeps hostile bodies verbatim, accepts 2 MB and refuses more", async () => {
    const { draftId } = await waitingDraft("bodies");
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) {{ inputs.topic }}`;
    await saveDraftVersion(draftId, { body: hostile }, alice);
    expect((await getDraftDetail(draftId)).body).toBe(hostile);
    await saveDraftVersion(draftId, { body: "a".repeat(2 * 1024 * 1024) }, alice);
    await expect(saveDraftVersion(draftId, { body: "a".repeat(2 * 1024 * 1024 + 1) }, alice)).rejects.toThrow(/at most 2 MB/);
  });
});

describe("the inbox", () => {
  it("lists pending drafts first and pages through the rest", async () => {
    const all = await listDrafts({ limit: 200 });
    const firstDecided = all.items.findIndex((d) => d.status !== "pending");
    expect(firstDecided).toBeGreaterThan(0);
    expect(all.items.slice(firstDecided).every((d) => d.status !== "pending")).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listDrafts>> = await listDrafts({ limit: 2, cursor });
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((d) => d.id));
    expect((await listDrafts({ status: "rejected" })).items.every((d) => d.status === "rejected")).toBe(true);
  });
});

describe("getDraftForReview (the draft page and GET /api/drafts/<id>)", () => {
  it("says what approval does while the draft is pending, and nothing once it is decided", async () => {
    const { draftId } = await waitingDraft("review view");
    const pending = await getDraftForReview(draftId);
    expect(pending.status).toBe("pending");
    expect(pending.approvalEffect?.kind).toBe("continues");
    expect(pending.approvalEffect?.summary).toMatch(/test\/echo/);
    await approveDraft(draftId, {}, alice, applyDraftDecision);
    const decided = await getDraftForReview(draftId);
    expect(decided.status).toBe("approved");
    expect(decided.approvalEffect).toBeNull();
  });
});
