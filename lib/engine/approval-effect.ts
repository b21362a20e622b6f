// "What happens on approval": the frozen call a reviewer approves (SECURITY.md). The tool calls that
// follow the approval step are rendered by the engine with this version's title and body, through the
// same template lookup the run will use, so what is shown is what will be sent.
import "server-only";
import { prisma } from "@/lib/db/client";
import { previewCallsAfterApproval, type FrozenCall } from "@/lib/engine/frozen-calls";
import { parseStoredJson } from "@/lib/db/stored-json";
import { stepKind, ZPipelineSnapshot, type PipelineStep, type StepKind } from "@/lib/pipelines/pipeline.schema";

/** A later step whose input cannot be shown in advance (an agent, another approval). */
export type LaterStep = { stepId: string; kind: StepKind; summary: string };

export type ApprovalEffect =
  /** a draft made outside a run: approving records the decision, nothing runs */
  | { kind: "no-run" }
  /** the approval step is the last one */
  | { kind: "ends-run" }
  /** the run's pipeline snapshot no longer reads, or no longer has this step */
  | { kind: "unknown"; reason: string }
  /** the run continues: these calls at once (arguments as sent), then possibly `then` */
  | { kind: "continues"; calls: FrozenCall[]; then: LaterStep | null };

function summarize(step: PipelineStep): LaterStep {
  const kind = stepKind(step);
  if (step.agent) {
    const tools = step.agent.tools.length ? ` with ${step.agent.tools.join(", ")}` : " with no MCP tools";
    return { stepId: step.id, kind, summary: `the ${step.agent.runner} agent step “${step.id}” runs${tools}; what it sends is decided when it runs` };
  }
  if (step.approval) return { stepId: step.id, kind, summary: `the run waits again for approval at “${step.id}”` };
  return { stepId: step.id, kind, summary: `step “${step.id}” calls ${step.tool}` };
}

/**
 * What approving `version` (with this title and body) would do next: the tool calls that follow at
 * once with their arguments, the first later step that cannot be previewed, or the end of the run.
 */
export async function describeApprovalEffect(draft: { id: string; runId: string | null; stepId: string; version: number; title: string; body: string }): Promise<ApprovalEffect> {
  if (!draft.runId) return { kind: "no-run" };
  const run = await prisma.run.findUnique({ where: { id: draft.runId }, select: { pipelineJson: true } });
  if (!run) return { kind: "no-run" };
  const pipeline = ZPipelineSnapshot.safeParse(parseStoredJson(run.pipelineJson));
  if (!pipeline.success) return { kind: "unknown", reason: "The run's copy of its pipeline can no longer be read." };
  const steps = pipeline.data.steps;
  const index = steps.findIndex((s) => s.id === draft.stepId);
  if (index < 0) return { kind: "unknown", reason: `The run's pipeline has no step “${draft.stepId}”.` };
  const later = steps.slice(index + 1);
  if (later.length === 0) return { kind: "ends-run" };
  const calls = await previewCallsAfterApproval(draft);
  const next = later[calls.length];
  // biome-ignore lint/suspicious/noThenProperty: "then" is the step after the calls in the API's words; this object is never awaited
  return { kind: "continues", calls, then: next ? summarize(next) : null };
}

/** One sentence for lists and API callers. */
export function approvalEffectSummary(effect: ApprovalEffect): string {
  switch (effect.kind) {
    case "no-run":
      return "This draft is not part of a run: approving records the decision only.";
    case "ends-run":
      return "Approval ends the run; nothing else is sent.";
    case "unknown":
      return effect.reason;
    case "continues": {
      const calls = effect.calls.map((c) => `${c.server}/${c.tool}`);
      const first = calls.length ? `The run continues and calls ${calls.join(", then ")}` : "The run continues";
      return effect.then ? `${first}; then ${effect.then.summary}.` : `${first}.`;
    }
  }
}
