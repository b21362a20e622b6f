// Queueing a run: validate everything, insert a queued Run and its pending steps, return the id.
// Nothing executes here; a worker claims the run.
import "server-only";
import { randomBytes } from "node:crypto";
import { prepared as preparedStatement, prisma, sqlDate, writeTransaction, type Sqlite } from "@/lib/db/client";
import { env } from "@/lib/env";
import { NotFoundError, SafeError } from "@/lib/errors";
import { ZQueueRunInput, type QueueRunInput } from "@/lib/engine/engine.schema";
import { switchAgentSteps } from "@/lib/engine/switch-runner";
import { wakeLocalWorkers } from "@/lib/engine/worker-registry";
import { approvalBoundaryIssues } from "@/lib/mcp/approval-boundary";
import { pipelineNeedsClient, pipelineRunsForClient } from "@/lib/pipelines/check-pipeline";
import { requireValidPipeline } from "@/lib/pipelines/load-pipelines";
import { stepKind } from "@/lib/pipelines/pipeline.schema";
import { parseRunInputs } from "@/lib/pipelines/run-inputs";
import { refuseOverBudget } from "@/lib/spend/budget";

/** Inputs that do not fit the pipeline; `fieldErrors` names each field for the run form. */
export class RunInputsError extends SafeError {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(
      `Check the inputs: ${Object.entries(fieldErrors)
        .map(([k, v]) => (k === "_" ? v : `${k}: ${v}`))
        .join("; ")}`,
    );
    this.name = "RunInputsError";
  }
}

/**
 * Too many runs of one pipeline for one client are already waiting: a runaway script, cron or agent must
 * not fill the queue. Asked inside the transaction that inserts the run (BEGIN IMMEDIATE: one writer at a
 * time, in this process and any other), so concurrent requests take turns and each counts every run
 * committed before it, whatever time each one stamped on its run.
 */
function refuseOverQueueLimit(db: Sqlite, pipeline: { slug: string; name: string }, clientId: string | null): void {
  const max = env().SWITCHBOARD_MAX_QUEUED_PER_PIPELINE;
  const waiting = preparedStatement(db, `SELECT COUNT(*) AS "n" FROM "Run" WHERE "pipelineSlug" = ? AND "clientId" IS ? AND "status" = 'queued'`).get(pipeline.slug, clientId) as { n: number };
  if (waiting.n < max) return;
  throw new SafeError(`${max} runs of "${pipeline.name}"${clientId ? " for this client" : ""} are already queued; wait for them to start or cancel some (limit: SWITCHBOARD_MAX_QUEUED_PER_PIPELINE)`, 429);
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
  const pipeline = input.rerun ? switchAgentSteps(requireValidPipeline(input.pipelineSlug), input.rerun) : requireValidPipeline(input.pipelineSlug);
  // the approval boundary by the pins known now (a tool not seen yet is left to the run's pre-flight)
  const boundary = await approvalBoundaryIssues(pipeline.steps);
  if (boundary.length > 0) throw new SafeError(`"${pipeline.name}" cannot run: ${boundary.map((i) => i.message).join("; ")}`);
  const client = await resolveClient(input.clientSlug);
  if (pipeline.clients && !client) throw new SafeError(`Choose a client for "${pipeline.name}": ${pipeline.clients.join(", ")}`);
  if (client && pipeline.clients && !pipelineRunsForClient(pipeline, client.slug)) {
    throw new SafeError(`"${pipeline.name}" does not run for the client "${client.slug}" (it runs for ${pipeline.clients.join(", ")})`);
  }
  if (!client && pipelineNeedsClient(pipeline)) throw new SafeError(`"${pipeline.name}" works in a client's folder: choose a client`);
  // only agent steps spend: a pipeline of tool steps (an uptime check) still runs for a client over budget
  if (client && pipeline.steps.some((step) => stepKind(step) === "agent")) await refuseOverBudget(client.id);
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
    rerunOfId: input.rerun?.of ?? null,
    rerunRunner: input.rerun?.runner ?? null,
    rerunModel: input.rerun?.model ?? null,
    createdById: input.createdBy.id ?? null,
    createdByLabel: input.createdBy.label,
    steps: {
      create: pipeline.steps.map((step, position) => ({ stepId: step.id, position, kind: stepKind(step), status: "pending", attempt: 1 })),
    },
    events: { create: { type: "status", message: `Queued by ${input.createdBy.label || "someone"} (${input.trigger})` } },
  };
}

/** A run id in the shape of Prisma's cuid(): lowercase, starting with "c", ordered roughly by time. */
function newRunId(): string {
  return `c${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;
}

type RunRow = Awaited<ReturnType<typeof prepareRun>>;

/** Inserts a queued run, its pending steps and its first event, in the caller's transaction; returns its id. */
function insertRun(db: Sqlite, data: RunRow, now: string): string {
  const id = newRunId();
  preparedStatement(
    db,
    `INSERT INTO "Run" ("id", "pipelineSlug", "pipelineName", "pipelineJson", "clientId", "inputsJson", "status", "trigger", "heartbeatSlug", "rerunOfId", "rerunRunner", "rerunModel", "createdById", "createdByLabel", "createdAt", "updatedAt")
    VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    data.pipelineSlug,
    data.pipelineName,
    data.pipelineJson,
    data.clientId,
    data.inputsJson,
    data.trigger,
    data.heartbeatSlug,
    data.rerunOfId,
    data.rerunRunner,
    data.rerunModel,
    data.createdById,
    data.createdByLabel,
    now,
    now,
  );
  // every step in one statement, as a run's steps were always inserted
  const steps = data.steps.create;
  if (steps.length > 0) {
    const rows = steps.map(() => `(?, ?, ?, ?, ?, 'pending', 1)`).join(", ");
    preparedStatement(db, `INSERT INTO "RunStep" ("id", "runId", "stepId", "position", "kind", "status", "attempt") VALUES ${rows}`).run(
      ...steps.flatMap((step) => [`rs${randomBytes(12).toString("hex")}`, id, step.stepId, step.position, step.kind]),
    );
  }
  preparedStatement(db, `INSERT INTO "RunEvent" ("runId", "type", "message", "createdAt") VALUES (?, 'status', ?, ?)`).run(id, data.events.create.message, now);
  return id;
}

/**
 * Validates and inserts a queued run; returns its id. The queued-runs limit is counted in the same write
 * transaction as the insert: over it, a 429 and nothing inserted.
 */
export async function queueRun(request: QueueRunInput): Promise<string> {
  const data = await prepareRun(request);
  const id = await writeTransaction((db) => {
    refuseOverQueueLimit(db, { slug: data.pipelineSlug, name: data.pipelineName }, data.clientId);
    return insertRun(db, data, sqlDate(new Date()));
  });
  wakeLocalWorkers();
  return id;
}

/**
 * Queues many runs in one transaction (one commit for a burst, e.g. hundreds of heartbeats due in the
 * same second), inserted by prepared statements (Prisma's per-query cost, times four rows a run, was
 * most of a 500-heartbeat second). Each request is validated on its own: one that cannot run gets its
 * error, the rest queue. `also` adds the caller's rows for each queued run to the same commit.
 */
export async function queueRuns(requests: QueueRunInput[], options: { also?: (db: Sqlite, runId: string, index: number) => void } = {}): Promise<({ id: string } | { error: unknown })[]> {
  const prepared = await Promise.all(
    requests.map((r) =>
      prepareRun(r).then(
        (data) => ({ data }),
        (error: unknown) => ({ error }),
      ),
    ),
  );
  const ids = await writeTransaction((db) => {
    const now = sqlDate(new Date());
    return prepared.map((p, index) => {
      if (!("data" in p)) return null;
      const id = insertRun(db, p.data, now);
      options.also?.(db, id, index);
      return id;
    });
  });
  if (ids.some((id) => id !== null)) wakeLocalWorkers();
  return prepared.map((p, i) => ("data" in p ? { id: ids[i] as string } : { error: p.error }));
}
