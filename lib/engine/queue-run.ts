// Queueing a run: validate everything, insert a queued Run and its pending steps, return the id.
// Nothing executes here; a worker claims the run.
import { prisma } from "@/lib/db";
import { NotFoundError, SafeError } from "@/lib/errors";
import { ZQueueRunInput, type QueueRunInput } from "@/lib/engine/engine.schema";
import { wakeLocalWorkers } from "@/lib/engine/worker-registry";
import { pipelineNeedsClient } from "@/lib/pipelines/check-pipeline";
import { requireValidPipeline } from "@/lib/pipelines/load-pipelines";
import { stepKind } from "@/lib/pipelines/pipeline.schema";
import { parseRunInputs } from "@/lib/pipelines/run-inputs";

/** Inputs that do not fit the pipeline; `fieldErrors` names each field for the run form. */
export class RunInputsError extends SafeError {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(`Check the inputs: ${Object.entries(fieldErrors).map(([k, v]) => (k === "_" ? v : `${k}: ${v}`)).join("; ")}`);
    this.name = "RunInputsError";
  }
}

async function resolveClient(clientSlug: string | null | undefined) {
  if (!clientSlug) return null;
  const client = await prisma.client.findUnique({ where: { slug: clientSlug }, select: { id: true, slug: true, archivedAt: true } });
  if (!client) throw new NotFoundError(`No client "${clientSlug}"`);
  if (client.archivedAt) throw new SafeError(`The client "${clientSlug}" is archived; unarchive it to run pipelines for it`);
  return client;
}

/** Validates a run request into the row to insert (with its pending steps); throws a SafeError when it cannot run. */
async function prepareRun(request: QueueRunInput) {
  const parsed = ZQueueRunInput.safeParse(request);
  if (!parsed.success) throw new SafeError(parsed.error.issues[0]?.message ?? "Invalid run request");
  const input = parsed.data;
  const pipeline = requireValidPipeline(input.pipelineSlug);
  const client = await resolveClient(input.clientSlug);
  if (pipeline.clients && !client) throw new SafeError(`Choose a client for "${pipeline.name}": ${pipeline.clients.join(", ")}`);
  if (client && pipeline.clients && !pipeline.clients.includes(client.slug)) {
    throw new SafeError(`"${pipeline.name}" does not run for the client "${client.slug}" (it runs for ${pipeline.clients.join(", ")})`);
  }
  if (!client && pipelineNeedsClient(pipeline)) throw new SafeError(`"${pipeline.name}" works in a client's folder: choose a client`);
  const inputs = parseRunInputs(pipeline.inputs, input.inputs);
  if (!inputs.ok) throw new RunInputsError(inputs.fieldErrors);
  return {
    pipelineSlug: pipeline.slug,
    pipelineName: pipeline.name,
    pipelineJson: JSON.stringify(pipeline),
    clientId: client?.id ?? null,
    inputsJson: JSON.stringify(inputs.values),
    status: "queued",
    trigger: input.trigger,
    heartbeatSlug: input.heartbeatSlug ?? null,
    createdById: input.createdBy.id ?? null,
    createdByLabel: input.createdBy.label,
    steps: {
      create: pipeline.steps.map((step, position) => ({ stepId: step.id, position, kind: stepKind(step), status: "pending", attempt: 1 })),
    },
    events: { create: { type: "status", message: `Queued by ${input.createdBy.label || "someone"} (${input.trigger})` } },
  };
}

/** Validates and inserts a queued run; returns its id. */
export async function queueRun(request: QueueRunInput): Promise<string> {
  const data = await prepareRun(request);
  const run = await prisma.run.create({ data, select: { id: true } });
  wakeLocalWorkers();
  return run.id;
}

/**
 * Queues many runs in one transaction (one commit for a burst, e.g. hundreds of heartbeats due in the
 * same second). Each request is validated on its own: one that cannot run gets its error, the rest queue.
 */
export async function queueRuns(requests: QueueRunInput[]): Promise<({ id: string } | { error: unknown })[]> {
  const prepared = await Promise.all(requests.map((r) => prepareRun(r).then((data) => ({ data }), (error: unknown) => ({ error }))));
  const valid = prepared.flatMap((p) => ("data" in p ? [p.data] : []));
  const created = valid.length ? await prisma.$transaction(valid.map((data) => prisma.run.create({ data, select: { id: true } }))) : [];
  if (created.length) wakeLocalWorkers();
  let next = 0;
  return prepared.map((p) => ("data" in p ? { id: created[next++].id } : { error: p.error }));
}
