import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { saveDraftVersion } from "@/lib/drafts/drafts";
import { openDraft } from "@/lib/drafts/open-draft";
import { applyDraftDecision, approveDraftAndContinue, rejectDraftAndEndRun } from "@/lib/engine/approvals";
import { executeStep } from "@/lib/engine/execute-step";
import { previewCallsAfterApproval } from "@/lib/engine/frozen-calls";
import { ACTOR, ensureClient, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";
import { cancelRun } from "@/lib/engine/run-control";
import { Worker } from "@/lib/engine/worker";

const runner = new ScriptedRunner();
let worker: Worker;

beforeAll(async () => {
  await ensureClient("acme");
  writePipeline(
    "review",
    `name: Review
inputs:
  page: { type: string, required: true }
steps:
  - id: fetch
    tool: test/echo
    args: { message: "{{ inputs.page }}" }
  - id: review
    approval: { title: "Report {{ inputs.page }} for {{ client.name }}", body: "{{ steps.fetch.text }}" }
  - id: publish
    tool: test/echo
    args: { message: "{{ steps.review.title }}|{{ steps.review.body }}" }
`,
  );
  worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
});

afterAll(() => worker.stop({ graceMs: 1_000 }));

async function waitingDraft(page: string) {
  const runId = await queueRun({ pipelineSlug: "review", clientSlug: "acme", inputs: { page }, createdBy: ACTOR });
  await waitForRunStatus(runId, ["waiting"]);
  const draft = await prisma.draft.findFirstOrThrow({
    where: { runId },
    select: { id: true, title: true, body: true, status: true, version: true, stepId: true, pipelineSlug: true, runStepId: true, client: { select: { slug: true } } },
  });
  return { runId, draft };
}

describe("approval steps", () => {
  it("create a draft (version 1) and leave the run waiting without a lease", async () => {
    const { runId, draft } = await waitingDraft("/pricing");
    expect(draft).toMatchObject({ title: "Report /pricing for ACME", body: "Echo: /pricing", status: "pending", version: 1, stepId: "review", pipelineSlug: "review", client: { slug: "acme" } });
    const versions = await prisma.draftVersion.findMany({ where: { draftId: draft.id }, select: { version: true, title: true, body: true } });
    expect(versions).toEqual([{ version: 1, title: draft.title, body: draft.body }]);
    expect((await stepRows(runId)).map((s) => s.status)).toEqual(["succeeded", "waiting", "pending"]);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { leaseOwner: true, leaseExpiresAt: true } });
    expect(run).toEqual({ leaseOwner: null, leaseExpiresAt: null });
  });

  it("keeps template text that arrives in a tool result as text in the draft", async () => {
    const { draft } = await waitingDraft("{{ client.folder }} {{ inputs.page }}");
    expect(draft.body).toBe("Echo: {{ client.folder }} {{ inputs.page }}");
  });

  it("continues exactly once under 10 concurrent approvals, with the approved version", async () => {
    const { runId, draft } = await waitingDraft("/about");
    // what the reviewer is shown before approving: the call exactly as it will be sent
    expect(await previewCallsAfterApproval({ runId, stepId: "review", version: 2, title: "Edited title", body: "Edited <b>body</b>" })).toEqual([
      { stepId: "publish", server: "test", tool: "echo", arguments: { message: "Edited title|Edited <b>body</b>" }, idempotencyKey: `${runId}:publish:1:v2`, note: null },
    ]);
    await saveDraftVersion(draft.id, { title: "Edited title", body: "Edited <b>body</b>", baseVersion: 1 }, ACTOR);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => approveDraftAndContinue(draft.id, { version: 2 }, { id: null, label: "Ada" })));
    expect(results.filter((r) => r.status === "fulfilled" && r.value.continued)).toHaveLength(1);
    await waitForRunStatus(runId, ["succeeded"]);
    const publish = runner.calls.filter((c) => c.runId === runId && c.stepId === "publish");
    expect(publish).toHaveLength(1);
    expect(publish[0].arguments).toEqual({ message: "Edited title|Edited <b>body</b>" });
    expect(publish[0].idempotencyKey).toBe(`${runId}:publish:1:v2`);
    const review = (await stepRows(runId)).find((s) => s.stepId === "review");
    expect(JSON.parse(review?.outputJson ?? "null")).toEqual({ title: "Edited title", body: "Edited <b>body</b>", version: 2, text: "Edited <b>body</b>" });
    expect(await prisma.runEvent.count({ where: { runId, message: { contains: "approved by Ada" } } })).toBe(1);
    await expect(approveDraftAndContinue(draft.id, { version: 2 }, ACTOR)).rejects.toThrow(/already approved/);
  });

  it("reject ends the run as rejected and cannot be followed by an approval", async () => {
    const { runId, draft } = await waitingDraft("/team");
    const [first, second] = await Promise.allSettled([rejectDraftAndEndRun(draft.id, { note: "Wrong tone" }, { id: null, label: "Ada" }), rejectDraftAndEndRun(draft.id, { note: "again" }, { id: null, label: "Ada" })]);
    expect([first.status, second.status].sort()).toEqual(["fulfilled", "rejected"]);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, error: true, finishedAt: true } });
    expect(run.status).toBe("rejected");
    expect(run.finishedAt).toBeInstanceOf(Date);
    const note = first.status === "fulfilled" ? "Wrong tone" : "again";
    expect((await stepRows(runId)).map((s) => [s.stepId, s.status, s.error])).toEqual([
      ["fetch", "succeeded", null],
      ["review", "failed", `Rejected by Ada: ${note}`],
      ["publish", "pending", null],
    ]);
    await expect(approveDraftAndContinue(draft.id, {}, ACTOR)).rejects.toThrow(/already rejected/);
    await expect(approveDraftAndContinue("nope", {}, ACTOR)).rejects.toThrow("No such draft");
  });

  it("cancelling a waiting run closes its draft; a late approval does nothing", async () => {
    const { runId, draft } = await waitingDraft("/jobs");
    expect(await cancelRun(runId, ACTOR)).toEqual({ status: "cancelled" });
    expect(await prisma.draft.findUniqueOrThrow({ where: { id: draft.id }, select: { status: true, decisionNote: true } })).toEqual({ status: "rejected", decisionNote: "The run was cancelled" });
    expect((await stepRows(runId)).map((s) => s.status)).toEqual(["succeeded", "cancelled", "pending"]);
    await expect(approveDraftAndContinue(draft.id, {}, ACTOR)).rejects.toThrow(/already rejected/);
    // a decision that reaches a step no longer waiting moves nothing
    expect(await applyDraftDecision({ draftId: draft.id, runId, runStepId: draft.runStepId, outcome: { kind: "approved", version: 1, title: "t", body: "b" }, actor: ACTOR, record: async () => true })).toEqual({
      recorded: true,
      continued: false,
      runId,
    });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } })).status).toBe("cancelled");
  });

  it("a worker that lost its lease at an approval step opens no draft and changes nothing", async () => {
    const runId = await queueRun({ pipelineSlug: "review", clientSlug: "acme", inputs: { page: "/lost" }, createdBy: ACTOR });
    // another worker took the run over (this one's lease expired) while this one reached the approval step
    await prisma.run.update({ where: { id: runId }, data: { status: "running", leaseOwner: "the-other-worker", leaseExpiresAt: new Date(Date.now() + 60_000) } });
    const rows = await prisma.runStep.findMany({
      where: { runId },
      orderBy: { position: "asc" },
      select: { id: true, stepId: true, position: true, kind: true, status: true, attempt: true, outputJson: true, error: true },
    });
    const review = rows[1];
    await prisma.runStep.update({ where: { id: review.id }, data: { status: "running" } });
    const step = { id: "review", approval: { title: "t", body: "b" } };
    const ctx = {
      runId,
      workerId: "the-lost-worker",
      client: null,
      pipelineSlug: "review",
      runner,
      signal: new AbortController().signal,
      templates: { inputs: {}, client: null, steps: {} },
      approvedVersion: null,
    };
    expect(await executeStep(step, { ...review, status: "running" }, [review], ctx)).toEqual({ status: "lost" });
    expect(await prisma.draft.count({ where: { runId } })).toBe(0);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, leaseOwner: true } });
    expect(run).toEqual({ status: "running", leaseOwner: "the-other-worker" });
    expect((await prisma.runStep.findUniqueOrThrow({ where: { id: review.id } })).status).toBe("running");
    await prisma.run.update({ where: { id: runId }, data: { status: "cancelled", leaseOwner: null } });
  });

  it("allows one draft per approval step attempt", async () => {
    const { runId, draft } = await waitingDraft("/unique");
    const request = { runId, runStepId: draft.runStepId ?? "", stepId: "review", clientId: null, pipelineSlug: "review", title: "again", body: "again" };
    await expect(prisma.$transaction((tx) => openDraft(tx, request))).rejects.toMatchObject({ code: "P2002" });
    expect(await prisma.draft.count({ where: { runId } })).toBe(1);
    await cancelRun(runId, ACTOR);
  });
});
