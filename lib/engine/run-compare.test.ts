// The comparison of two runners on the same work: the demo agent pipeline run through the engine with
// the anthropic runner, approved, then rerun on the openai runner; both model APIs are the stand-in
// (speaking their real streaming formats), the MCP servers the demo workspace's real ones.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { approveDraft } from "@/lib/drafts/drafts";
import { workspaceDir } from "@/lib/env";
import { applyDraftDecision } from "@/lib/engine/approvals";
import { queueRun } from "@/lib/engine/queue-run";
import { rerunRun } from "@/lib/engine/rerun";
import { compareRuns, type RunComparison } from "@/lib/engine/run-compare";
import { Worker } from "@/lib/engine/worker";
import type { WordDiff } from "@/lib/engine/word-diff";
import { getMcpPool } from "@/lib/mcp/pool";
import { costOf, listModelPrices, matchPrice } from "@/lib/spend/prices";
import { ACTOR, ensureClient, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { ModelStandin, STANDIN_ECHO_MESSAGE, STANDIN_USAGE } from "@/lib/testing/model-standin";

const DEMO = path.resolve("demo-workspace");
const suffix = Math.random().toString(36).slice(2, 8);
const slug = `blog-post-agent-${suffix}`;
const topic = `Winter pipe care ${suffix}`;
let worker: Worker;
let standin: ModelStandin;

beforeAll(async () => {
  standin = await ModelStandin.start();
  process.env.ANTHROPIC_API_KEY = "sk-ant-test-canary-0000";
  process.env.ANTHROPIC_BASE_URL = standin.url;
  process.env.OPENAI_API_KEY = "sk-openai-test-canary-0000";
  process.env.OPENAI_BASE_URL = `${standin.url}/v1`;
  fs.copyFileSync(path.join(DEMO, "mcp.json"), path.join(workspaceDir(), "mcp.json"));
  await ensureClient("acme");
  fs.copyFileSync(path.join(DEMO, "clients", "acme", "CLAUDE.md"), path.join(workspaceDir(), "clients", "acme", "CLAUDE.md"));
  // the demo pipeline as shipped, its agent step on the anthropic runner for the first run
  const demo = fs.readFileSync(path.join(DEMO, "pipelines", "blog-post-agent.yaml"), "utf8");
  expect(demo).toContain("runner: claude-code");
  writePipeline(slug, demo.replace("runner: claude-code", "runner: anthropic"));
  writePipeline(`echo-only-${suffix}`, "name: Echo only\nsteps:\n  - id: ping\n    tool: everything/echo\n    args: { message: ping }\n");
  worker = await new Worker({ pollMs: 20, leaseMs: 30_000 }).start();
});

afterAll(async () => {
  await worker.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await standin.close();
});

/** The text a diff reads as on one side: `a` is what was not added, `b` what was not removed. */
function sideOf(diff: WordDiff | null, side: "a" | "b"): string {
  if (!diff || "tooLarge" in diff) throw new Error("expected a word diff");
  return diff.parts
    .filter((p) => p.kind !== (side === "a" ? "added" : "removed"))
    .map((p) => p.text)
    .join("");
}

async function draftIdOf(runId: string): Promise<string> {
  const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true } });
  return draft.id;
}

describe("comparing a run with its rerun on another runner", { timeout: 120_000 }, () => {
  let original: string;
  let rerun: string;
  let comparison: RunComparison;

  beforeAll(async () => {
    standin.mode = "echo"; // the first agent calls everything/echo, then answers with what it returned
    original = await queueRun({ pipelineSlug: slug, clientSlug: "acme", inputs: { topic }, createdBy: ACTOR });
    await waitForRunStatus(original, ["waiting"], 60_000);
    await approveDraft(await draftIdOf(original), {}, ACTOR, applyDraftDecision);
    expect(await waitForRunStatus(original, ["succeeded", "failed"], 60_000)).toMatchObject({ status: "succeeded" });

    standin.mode = "answer"; // the second answers at once, calling no tool
    rerun = (await rerunRun(original, { runner: "openai" }, ACTOR, "admin")).id;
    await waitForRunStatus(rerun, ["waiting"], 60_000);
    comparison = await compareRuns(original, rerun);
  }, 180_000);

  it("shows both runs: status, wall time, tokens by kind, cost, and that the second re-runs the first", async () => {
    const { a, b } = comparison;
    expect([comparison.missing, comparison.samePipeline, comparison.relation]).toEqual([[], true, "b-reruns-a"]);
    expect([a?.id, a?.status, a?.pipelineSlug, a?.client?.slug, a?.inputs]).toEqual([original, "succeeded", slug, "acme", { topic }]);
    expect([b?.id, b?.status, b?.pipelineSlug, b?.client?.slug, b?.inputs]).toEqual([rerun, "waiting", slug, "acme", { topic }]);
    expect(b?.rerunOf).toEqual({ id: original, runner: "openai", model: null });
    expect(a?.wallMs).toBeGreaterThanOrEqual(0);
    expect(b?.wallMs).toBeNull(); // it waits for its draft's review
    // two Messages API turns on one side, one Chat Completions turn (cached input reported apart) on the other
    expect(a?.usage).toEqual({
      inputTokens: 2 * STANDIN_USAGE.input,
      outputTokens: 2 * STANDIN_USAGE.output,
      cacheReadTokens: 2 * STANDIN_USAGE.cacheRead,
      cacheWriteTokens: 2 * STANDIN_USAGE.cacheWrite,
      reasoningTokens: 0,
      costUsd: expect.any(Number),
    });
    expect(b?.usage).toEqual({
      inputTokens: STANDIN_USAGE.input - STANDIN_USAGE.cacheRead,
      outputTokens: STANDIN_USAGE.output,
      cacheReadTokens: STANDIN_USAGE.cacheRead,
      cacheWriteTokens: 0,
      reasoningTokens: STANDIN_USAGE.reasoning,
      costUsd: expect.any(Number),
    });
    // each side costs its tokens at its model's seeded price (none: $0, and the run says which model had no price)
    const prices = await listModelPrices();
    for (const side of [a, b]) {
      const price = matchPrice(prices, comparison.agentSteps[0][side === a ? "a" : "b"]?.model);
      expect(side?.usage.costUsd).toBeCloseTo(price && side ? costOf(side.usage, price) : 0, 9);
    }
  });

  it("pairs the agent step: runner and model, the tool calls each agent made, and a word diff of the final texts", () => {
    expect(comparison.agentSteps.map((s) => s.stepId)).toEqual(["draft"]);
    const [draft] = comparison.agentSteps;
    expect([draft.a?.runner, draft.a?.status, draft.a?.turns]).toEqual(["anthropic", "succeeded", 2]);
    expect([draft.b?.runner, draft.b?.status, draft.b?.turns]).toEqual(["openai", "succeeded", 1]);
    expect(draft.a?.model).toBeTruthy();
    expect(draft.b?.model).toBeTruthy();
    expect(draft.a?.toolCalls.map((c) => [c.server, c.tool, c.status, c.isError])).toEqual([["everything", "echo", "succeeded", false]]);
    expect(draft.b?.toolCalls).toEqual([]);
    expect(draft.a?.text).toBe(`Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    expect(draft.b?.text).toBe('{"answer": "no tools needed"}');
    const diff = draft.textDiff;
    expect(sideOf(diff, "a")).toBe(draft.a?.text);
    expect(sideOf(diff, "b")).toBe(draft.b?.text);
    if (!diff || "tooLarge" in diff) throw new Error("expected a word diff");
    expect(diff.parts).toEqual([
      { kind: "removed", text: "Final " },
      { kind: "added", text: '{"' },
      { kind: "same", text: "answer" },
      { kind: "added", text: '"' },
      { kind: "same", text: ": " },
      { kind: "removed", text: `Echo: ${STANDIN_ECHO_MESSAGE}` },
      { kind: "added", text: '"no tools needed"}' },
    ]);
    expect([diff.removed, diff.added]).toEqual([7, 3]);
  });

  it("pairs the drafts by step id with a word diff of each; the title, the same topic, is unchanged", () => {
    expect(comparison.drafts.map((d) => [d.stepId, d.a?.status, d.b?.status])).toEqual([["review", "approved", "pending"]]);
    const [review] = comparison.drafts;
    expect(review.a?.title).toBe(`Blog post for ACME: ${topic}`);
    expect(review.titleDiff).toEqual({ parts: [{ kind: "same", text: review.a?.title }], added: 0, removed: 0 });
    expect(sideOf(review.bodyDiff, "a")).toBe(`Final answer: Echo: ${STANDIN_ECHO_MESSAGE}`);
    expect(sideOf(review.bodyDiff, "b")).toBe('{"answer": "no tools needed"}');
  });

  it("says when the two runs are of different pipelines, and pairs no steps", async () => {
    const other = await queueRun({ pipelineSlug: `echo-only-${suffix}`, createdBy: ACTOR });
    await waitForRunStatus(other, ["succeeded"]);
    const mixed = await compareRuns(original, other);
    expect([mixed.a?.pipelineSlug, mixed.b?.pipelineSlug, mixed.samePipeline, mixed.relation]).toEqual([slug, `echo-only-${suffix}`, false, null]);
    expect([mixed.agentSteps, mixed.drafts]).toEqual([[], []]);
    expect(mixed.a?.agentSteps).toHaveLength(1); // each side still shows its own agent steps
  });

  it("a missing or unknown id is reported for its side, never thrown", async () => {
    const missing = await compareRuns(`nope${suffix}`, original);
    expect([missing.a, missing.b?.id, missing.missing, missing.samePipeline]).toEqual([null, original, [{ side: "a", id: `nope${suffix}` }], false]);
    const neither = await compareRuns("", "../../etc/passwd");
    expect(neither.missing.map((m) => m.side)).toEqual(["a", "b"]);
  });
});
