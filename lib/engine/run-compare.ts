// Two runs side by side (/runs/compare?a=&b=), typically a run and its rerun on another runner: status,
// wall time, tokens by kind and cost of each, and for every agent step the runner and model, the tool
// calls the agent made, and a word diff of its final text; then a word diff of the drafts each run
// produced, matched by step id. Runs of different pipelines are shown side by side but their steps are
// not matched: the page says so rather than pair steps that merely share an id.
import "server-only";
import { prisma } from "@/lib/db/client";
import type { RunStatus, StepStatus } from "@/lib/engine/engine.schema";
import { parseStoredJson } from "@/lib/db/stored-json";
import { elapsedMs } from "@/lib/engine/run-status";
import { wordDiff, type WordDiff } from "@/lib/engine/word-diff";

const RUN_ID_PATTERN = /^[a-z0-9]{1,64}$/i;

async function loadSide(id: string) {
  if (!RUN_ID_PATTERN.test(id)) return null;
  const run = await prisma.run.findUnique({
    where: { id },
    select: {
      id: true,
      pipelineSlug: true,
      pipelineName: true,
      status: true,
      trigger: true,
      error: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      inputTokens: true,
      outputTokens: true,
      costUsd: true,
      unpricedModel: true,
      inputsJson: true,
      rerunOfId: true,
      rerunRunner: true,
      rerunModel: true,
      client: { select: { slug: true, name: true } },
    },
  });
  if (!run) return null;
  const [steps, drafts] = await Promise.all([
    prisma.runStep.findMany({
      where: { runId: id },
      orderBy: [{ position: "asc" }, { attempt: "asc" }],
      select: {
        id: true,
        stepId: true,
        position: true,
        kind: true,
        status: true,
        attempt: true,
        startedAt: true,
        finishedAt: true,
        outputJson: true,
        error: true,
        runner: true,
        model: true,
        turns: true,
        inputTokens: true,
        outputTokens: true,
        cacheReadTokens: true,
        cacheWriteTokens: true,
        reasoningTokens: true,
        costUsd: true,
      },
    }),
    prisma.draft.findMany({ where: { runId: id }, orderBy: { createdAt: "asc" }, select: { id: true, stepId: true, title: true, body: true, status: true, version: true } }),
  ]);
  // the latest attempt of each step is what the run's outcome rests on
  const latest = [...new Map(steps.map((s) => [s.stepId, s])).values()];
  const agentRows = latest.filter((s) => s.kind === "agent");
  const calls = agentRows.length
    ? await prisma.toolCall.findMany({
        where: { runStepId: { in: agentRows.map((s) => s.id) } },
        orderBy: { startedAt: "asc" },
        select: { id: true, runStepId: true, server: true, tool: true, status: true, isError: true, error: true, durationMs: true },
      })
    : [];
  const sum = (key: "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "reasoningTokens") => steps.reduce((t, s) => t + s[key], 0);
  // a run still going has no wall time yet: no `now`
  const wallMs = elapsedMs(run.startedAt, run.finishedAt, null);
  return {
    id: run.id,
    pipelineSlug: run.pipelineSlug,
    pipelineName: run.pipelineName,
    status: run.status as RunStatus,
    trigger: run.trigger,
    error: run.error,
    client: run.client,
    inputs: parseStoredJson(run.inputsJson),
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    /** from start to end; null while the run has not finished (or never started) */
    wallMs,
    rerunOf: run.rerunOfId ? { id: run.rerunOfId, runner: run.rerunRunner, model: run.rerunModel } : null,
    // summed over every step attempt, as GET /api/runs/<id> does; the cost is the run's own (the spend work fills it)
    usage: {
      inputTokens: Math.max(run.inputTokens, sum("inputTokens")),
      outputTokens: Math.max(run.outputTokens, sum("outputTokens")),
      cacheReadTokens: sum("cacheReadTokens"),
      cacheWriteTokens: sum("cacheWriteTokens"),
      reasoningTokens: sum("reasoningTokens"),
      costUsd: run.unpricedModel ? null : run.costUsd,
    },
    agentSteps: agentRows.map((s) => {
      const output = parseStoredJson(s.outputJson) as { text?: unknown } | null;
      const stepCalls = calls.filter((c) => c.runStepId === s.id);
      return {
        stepId: s.stepId,
        status: s.status as StepStatus,
        attempt: s.attempt,
        runner: s.runner,
        model: s.model,
        turns: s.turns,
        error: s.error,
        durationMs: elapsedMs(s.startedAt, s.finishedAt, null),
        /** the agent's final answer; null until the step succeeds */
        text: s.status === "succeeded" && output && typeof output.text === "string" ? output.text : null,
        usage: { inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens, cacheWriteTokens: s.cacheWriteTokens, reasoningTokens: s.reasoningTokens, costUsd: s.costUsd },
        toolCalls: stepCalls.map(({ runStepId: _runStepId, ...c }) => c),
      };
    }),
    // one draft per approval step: the one of its latest attempt
    drafts: [...new Map(drafts.map((d) => [d.stepId, d])).values()],
  };
}

export type CompareSide = NonNullable<Awaited<ReturnType<typeof loadSide>>>;
type AgentStepSide = CompareSide["agentSteps"][number];
type DraftSide = CompareSide["drafts"][number];

/** Pairs what two runs hold under the same step id, in `a`'s order then `b`'s leftovers. */
function pairByStep<T extends { stepId: string }>(a: T[], b: T[]): { stepId: string; a: T | null; b: T | null }[] {
  const ids = [...new Set([...a.map((x) => x.stepId), ...b.map((x) => x.stepId)])];
  return ids.map((stepId) => ({ stepId, a: a.find((x) => x.stepId === stepId) ?? null, b: b.find((x) => x.stepId === stepId) ?? null }));
}

/**
 * Both runs and how they differ. A missing or unknown id gives `null` on that side (listed in `missing`),
 * never an error; the step and draft diffs are only made when both runs are of the same pipeline.
 */
export async function compareRuns(aId: string, bId: string) {
  const [a, b] = await Promise.all([loadSide(aId), loadSide(bId)]);
  const missing = [...(a ? [] : [{ side: "a" as const, id: aId }]), ...(b ? [] : [{ side: "b" as const, id: bId }])];
  const samePipeline = Boolean(a && b && a.pipelineSlug === b.pipelineSlug);
  const agentSteps: { stepId: string; a: AgentStepSide | null; b: AgentStepSide | null; textDiff: WordDiff | null }[] =
    a && b && samePipeline ? pairByStep(a.agentSteps, b.agentSteps).map((p) => ({ ...p, textDiff: p.a?.text != null && p.b?.text != null ? wordDiff(p.a.text, p.b.text) : null })) : [];
  const drafts: { stepId: string; a: DraftSide | null; b: DraftSide | null; titleDiff: WordDiff | null; bodyDiff: WordDiff | null }[] =
    a && b && samePipeline
      ? pairByStep(a.drafts, b.drafts).map((p) => ({
          ...p,
          titleDiff: p.a && p.b ? wordDiff(p.a.title, p.b.title) : null,
          bodyDiff: p.a && p.b ? wordDiff(p.a.body, p.b.body) : null,
        }))
      : [];
  const relation = a && b ? (b.rerunOf?.id === a.id ? "b-reruns-a" : a.rerunOf?.id === b.id ? "a-reruns-b" : null) : null;
  return { a, b, missing, samePipeline, relation, agentSteps, drafts };
}

export type RunComparison = Awaited<ReturnType<typeof compareRuns>>;
