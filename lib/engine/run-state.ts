// A run as the executor (and the approval preview) sees it: its pipeline snapshot, inputs, client and
// every step attempt, and the template context built from the steps that succeeded.
import "server-only";
import { prepared, sqlite } from "@/lib/db/client";
import { ZApprovalStepOutput, ZStoredRunInputs } from "@/lib/engine/engine.schema";
import type { AttemptRow } from "@/lib/engine/step-types";
import { parseStoredJson } from "@/lib/db/stored-json";
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
  // prepared statements, not Prisma: this runs for every run a worker claims
  const db = await sqlite();
  const run = prepared(
    db,
    `SELECT r."status", r."leaseOwner", r."pipelineJson", r."inputsJson", c."id" AS "clientId", c."slug" AS "clientSlug", c."name" AS "clientName"
    FROM "Run" r LEFT JOIN "Client" c ON c."id" = r."clientId" WHERE r."id" = ?`,
  ).get(runId) as { status: string; leaseOwner: string | null; pipelineJson: string; inputsJson: string; clientId: string | null; clientSlug: string | null; clientName: string | null } | undefined;
  if (!run) return null;
  const pipeline = ZPipelineSnapshot.safeParse(parseStoredJson(run.pipelineJson));
  const inputs = ZStoredRunInputs.safeParse(parseStoredJson(run.inputsJson));
  if (!pipeline.success || !inputs.success) return "unreadable";
  const rows = prepared(db, `SELECT "id", "stepId", "position", "kind", "status", "attempt", "outputJson", "error" FROM "RunStep" WHERE "runId" = ? ORDER BY "position", "attempt"`).all(runId) as AttemptRow[];
  const client = run.clientId !== null ? { id: run.clientId, slug: run.clientSlug ?? "", name: run.clientName ?? "" } : null;
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
