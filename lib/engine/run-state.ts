// A run as the executor (and the approval preview) sees it: its pipeline snapshot, inputs, client and
// every step attempt, and the template context built from the steps that succeeded.
import { prisma } from "@/lib/db";
import { ZApprovalStepOutput, ZStoredRunInputs } from "@/lib/engine/engine.schema";
import type { AttemptRow } from "@/lib/engine/execute-step";
import { parseStoredJson } from "@/lib/engine/step-output";
import { ZPipelineSnapshot, type PipelineSnapshot, type PipelineStep } from "@/lib/pipelines/pipeline.schema";
import type { TemplateContext } from "@/lib/pipelines/templates";
import { clientFolder } from "@/lib/workspace/paths";

type RunState = {
  status: string;
  leaseOwner: string | null;
  pipeline: PipelineSnapshot;
  client: { id: string; slug: string; name: string } | null;
  templates: TemplateContext;
  rows: AttemptRow[];
};

/** null when there is no such run; "unreadable" when its stored pipeline or inputs no longer parse. */
export async function loadRunState(runId: string): Promise<RunState | "unreadable" | null> {
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: { status: true, leaseOwner: true, pipelineJson: true, inputsJson: true, client: { select: { id: true, slug: true, name: true } } },
  });
  if (!run) return null;
  const pipeline = ZPipelineSnapshot.safeParse(parseStoredJson(run.pipelineJson));
  const inputs = ZStoredRunInputs.safeParse(parseStoredJson(run.inputsJson));
  if (!pipeline.success || !inputs.success) return "unreadable";
  const rows = await prisma.runStep.findMany({
    where: { runId },
    orderBy: [{ position: "asc" }, { attempt: "asc" }],
    select: { id: true, stepId: true, position: true, kind: true, status: true, attempt: true, outputJson: true, error: true },
  });
  const client = run.client;
  return {
    status: run.status,
    leaseOwner: run.leaseOwner,
    pipeline: pipeline.data,
    client,
    templates: { inputs: inputs.data, client: client ? { slug: client.slug, name: client.name, folder: clientFolder(client.slug) } : null, steps: {} },
    rows,
  };
}

/**
 * Makes a succeeded attempt's output readable by later templates; returns the approved version when
 * the step is an approval step.
 */
export function absorbOutput(step: PipelineStep, output: unknown, templates: TemplateContext): number | null {
  if (output && typeof output === "object" && !Array.isArray(output)) templates.steps[step.id] = output as Record<string, unknown>;
  const approval = ZApprovalStepOutput.safeParse(output);
  return step.approval && approval.success ? approval.data.version : null;
}
