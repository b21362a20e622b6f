// An agent step that never ends normally keeps the tokens its attempt reported: they are recorded with
// each usage event as it arrives, so a shutdown mid-step (or a lost lease, the same path) loses nothing.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getRunDetail } from "@/lib/engine/run-detail";
import { queueRun } from "@/lib/engine/queue-run";
import { useAgentSuite, writeAgentPipeline } from "@/lib/testing/agents";
import { ACTOR, waitForRunStatus } from "@/lib/testing/engine";
import { STANDIN_USAGE } from "@/lib/testing/model-standin";
import { waitFor } from "@/lib/testing/wait-for";

const suite = useAgentSuite({ env: ({ standin }) => ({ ANTHROPIC_API_KEY: "sk-ant-test-canary-0000", ANTHROPIC_BASE_URL: standin }) });

describe("an interrupted agent step", { timeout: 120_000 }, () => {
  it("keeps the tokens of the model calls it made before a shutdown", async () => {
    // one model call that asks for a tool, then a second that never answers
    suite.standin.mode = "call-then-hang";
    const id = await queueRun({ pipelineSlug: writeAgentPipeline("anthropic"), clientSlug: "acme", createdBy: ACTOR });
    const draft = await waitFor(() => prisma.runStep.findFirst({ where: { runId: id, stepId: "draft" }, select: { id: true } }), 60_000, "the draft step");
    await waitFor(async () => (await prisma.runEvent.count({ where: { runStepId: draft.id, type: "usage" } })) > 0, 60_000, "the first model call's usage");
    await waitFor(async () => suite.standin.requestsTo("/v1/messages").length >= 2, 60_000, "the second model call");

    await suite.worker.stop({ graceMs: 0 });
    await waitForRunStatus(id, ["failed"]);
    const step = await prisma.runStep.findUniqueOrThrow({ where: { id: draft.id } });
    expect([step.status, step.error]).toEqual(["failed", "Interrupted by shutdown"]);
    expect([step.inputTokens, step.outputTokens, step.cacheReadTokens, step.cacheWriteTokens]).toEqual([STANDIN_USAGE.input, STANDIN_USAGE.output, STANDIN_USAGE.cacheRead, STANDIN_USAGE.cacheWrite]);
    expect((await getRunDetail(id))?.usage).toMatchObject({ inputTokens: STANDIN_USAGE.input, outputTokens: STANDIN_USAGE.output });
  });
});
