// Running a finished run again with the same pipeline, inputs and client, its agent steps switched to
// another runner or model: the answer to "which agent does this better", asked with the operator's own
// work. Shared by POST /api/runs/<id>/rerun and the run page's form; the new run is queued through
// queueRun like any other, so its checks (inputs, client, queue cap, budgets) all apply. Switching the
// runner or model moves spend and trust (another vendor, another price, a CLI with other built-ins), so an
// admin may pick any runner or model; anyone else only a runner every switched step lists in `alternatives`.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { prisma } from "@/lib/db/client";
import { ForbiddenError, NotFoundError, SafeError } from "@/lib/errors";
import { ADHOC_TRIGGER } from "@/lib/engine/adhoc";
import { ZStoredRunInputs, type EngineActor } from "@/lib/engine/engine.schema";
import { queueRun } from "@/lib/engine/queue-run";
import { ZAgentOverride } from "@/lib/engine/rerun.schema";
import { isFinishedRunStatus } from "@/lib/engine/run-status";
import { getPipeline } from "@/lib/pipelines/load-pipelines";
import type { PipelineSnapshot } from "@/lib/pipelines/pipeline.schema";
import type { AgentOverride } from "@/lib/engine/rerun.schema";

/** Who asks: an admin (a session, or an admin-scope token of an admin), or anyone else allowed to run pipelines. */
export type RerunRole = "admin" | "operator";

/** The runners a non-admin may switch this pipeline's agent steps to: those every agent step lists. */
export function alternativeRunners(pipeline: Pick<PipelineSnapshot, "steps">): string[] {
  const agents = pipeline.steps.flatMap((s) => (s.agent ? [s.agent] : []));
  if (agents.length === 0) return [];
  // a runner is allowed when each step either runs on it already or lists it
  const candidates = new Set(agents.flatMap((a) => [a.runner, ...(a.alternatives ?? [])]));
  return [...candidates].filter((r) => agents.every((a) => a.runner === r || (a.alternatives ?? []).includes(r as never)));
}

function refuseSwitch(pipeline: PipelineSnapshot, override: AgentOverride, role: RerunRole): void {
  if (role === "admin") return;
  if (override.model !== undefined) throw new ForbiddenError("Only an admin can run a pipeline again on another model");
  const runner = override.runner;
  if (runner === undefined) return;
  const refused = pipeline.steps.filter((s) => s.agent && s.agent.runner !== runner && !(s.agent.alternatives ?? []).includes(runner));
  if (refused.length) {
    const steps = refused.map((s) => `"${s.id}"`).join(", ");
    throw new ForbiddenError(`Only an admin can run this again on ${runner}: ${refused.length > 1 ? `steps ${steps} do` : `step ${steps} does`} not list it in alternatives`);
  }
}

/** What the run page offers the viewer for a rerun of `pipelineSlug`: the runners they may pick, and whether a model. */
export function rerunChoices(pipelineSlug: string, role: RerunRole, allRunners: readonly string[]): { runners: string[]; model: boolean } {
  if (role === "admin") return { runners: [...allRunners], model: true };
  const pipeline = getPipeline(pipelineSlug)?.definition;
  return { runners: pipeline ? alternativeRunners(pipeline) : [], model: false };
}

/**
 * Queues a rerun of `runId` with `override` ({ runner?, model? }); returns the new run's id. `role`: an
 * admin may switch to any runner or model, anyone else only to a runner the pipeline lists (403).
 */
export async function rerunRun(runId: string, override: unknown, actor: EngineActor, role: RerunRole): Promise<{ id: string }> {
  const parsed = ZAgentOverride.safeParse(override ?? {});
  if (!parsed.success) throw new SafeError(parsed.error.issues[0]?.message ?? "Invalid runner or model");
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: { id: true, status: true, trigger: true, pipelineSlug: true, inputsJson: true, clientId: true, client: { select: { slug: true } } },
  });
  if (!run) throw new NotFoundError("No such run");
  if (run.trigger === ADHOC_TRIGGER) throw new SafeError("An ad-hoc tool call has no pipeline to run again: call the tool again from /tools", 409);
  if (!isFinishedRunStatus(run.status)) throw new SafeError(`Only a finished run can be run again; this run is ${run.status}`, 409);
  const pipeline = getPipeline(run.pipelineSlug);
  if (!pipeline) throw new SafeError(`The pipeline "${run.pipelineSlug}" no longer exists in the workspace, so this run cannot be run again`, 409);
  if (!pipeline.definition) throw new SafeError(`The pipeline "${run.pipelineSlug}" has errors: ${pipeline.errors.slice(0, 3).join("; ")}`, 422);
  refuseSwitch(pipeline.definition, parsed.data, role);
  const inputs = ZStoredRunInputs.safeParse(JSON.parse(run.inputsJson));
  const id = await queueRun({
    pipelineSlug: run.pipelineSlug,
    clientSlug: run.client?.slug ?? null,
    inputs: inputs.success ? inputs.data : {},
    createdBy: actor,
    trigger: "rerun",
    rerun: { of: run.id, ...parsed.data },
  });
  await recordAudit({ actor, action: "run.rerun", targetType: "run", targetId: id, clientId: run.clientId, data: { rerunOf: run.id, runner: parsed.data.runner ?? null, model: parsed.data.model ?? null } });
  return { id };
}
