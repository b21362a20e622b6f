// The tokens that name a running agent step to the HTTP gateway (codex), and the lookup from a token to
// the step's gateway view. The engine owns both: it mints a token when a runner asks for one, clears it
// when the step ends (agent-step.ts), and answers the gateway's lookups; lib/mcp/gateway-http.ts only
// receives the lookup (app/api/mcp/gateway/route.ts passes it in) and never reads a run's tables.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { parseStoredJson } from "@/lib/db/stored-json";
import { agentAnswerFor } from "@/lib/engine/input-waits";
import type { GatewayStep } from "@/lib/mcp/gateway";
import { approvalPosition, type ApprovalPosition } from "@/lib/pipelines/check-pipeline";
import { ZPipelineSnapshot, type PipelineStep } from "@/lib/pipelines/pipeline.schema";

export function gatewayTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new token for the step (only its hash is kept), valid while the step runs. */
export async function mintGatewayToken(runStepId: string): Promise<string> {
  const token = `sbg_${randomBytes(32).toString("base64url")}`;
  await prisma.runStep.update({ where: { id: runStepId }, data: { gatewayTokenHash: gatewayTokenHash(token) }, select: { id: true } });
  return token;
}

function pipelineSteps(pipelineJson: string): PipelineStep[] | null {
  const pipeline = ZPipelineSnapshot.safeParse(parseStoredJson(pipelineJson));
  return pipeline.success ? pipeline.data.steps : null;
}

/** Where a step of a run stands to the run's approval steps (from the pipeline the run was queued with). */
export async function stepApprovalPosition(runId: string, stepId: string): Promise<ApprovalPosition> {
  const run = await prisma.run.findUnique({ where: { id: runId }, select: { pipelineJson: true } });
  const steps = run ? pipelineSteps(run.pipelineJson) : null;
  // a run whose pipeline cannot be read gets the strictest view
  return steps ? approvalPosition(steps, stepId) : { afterApproval: true, beforeApproval: true };
}

/** The running agent step a token was minted for, or null (unknown token, or its step is not running). */
export async function gatewayStepForToken(token: string): Promise<GatewayStep | null> {
  const row = await prisma.runStep.findUnique({
    where: { gatewayTokenHash: gatewayTokenHash(token) },
    select: { id: true, runId: true, stepId: true, status: true, run: { select: { status: true, pipelineJson: true, client: { select: { slug: true } } } } },
  });
  if (!row || row.status !== "running" || row.run.status !== "running") return null;
  const steps = pipelineSteps(row.run.pipelineJson);
  const agent = steps?.find((s) => s.id === row.stepId)?.agent;
  if (!steps || !agent) return null;
  return {
    runId: row.runId,
    runStepId: row.id,
    clientSlug: row.run.client?.slug ?? null,
    allow: agent.tools,
    toolSearch: agent.tool_search,
    ...approvalPosition(steps, row.stepId),
    // a question a person answered in an earlier attempt of the step is answered with it (input-waits.ts)
    answerFor: (server, tool, message) => agentAnswerFor(row.runId, row.stepId, server, tool, message),
  };
}
