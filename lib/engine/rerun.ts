// Running a finished run again with the same pipeline, inputs and client, its agent steps switched to
// another runner or model: the answer to "which agent does this better", asked with the operator's own
// work. Shared by POST /api/runs/<id>/rerun and the run page's form; the new run is queued through
// queueRun like any other, so its checks (inputs, client, queue cap, budgets) all apply.
import { recordAudit } from "@/lib/audit";
import { prisma } from "@/lib/db";
import { NotFoundError, SafeError } from "@/lib/errors";
import { ADHOC_TRIGGER } from "@/lib/engine/adhoc";
import { ZStoredRunInputs, type EngineActor } from "@/lib/engine/engine.schema";
import { queueRun } from "@/lib/engine/queue-run";
import { ZAgentOverride } from "@/lib/engine/rerun.schema";
import { isFinishedRunStatus } from "@/lib/engine/run-status";
import { getPipeline } from "@/lib/pipelines/load-pipelines";

/** Queues a rerun of `runId` with `override` ({ runner?, model? }); returns the new run's id. */
export async function rerunRun(runId: string, override: unknown, actor: EngineActor): Promise<{ id: string }> {
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
