// A tool step whose call the server answered with a task (lib/mcp/tasks.ts): each new status and status
// message of the task becomes a run event (type "task"), so the live run page's log shows them as they
// change, and the step's card shows the latest (GET /api/runs/<id>: `steps[].task`). A shutdown or a lost
// lease leaves the task running on its server: the step's next attempt polls it again (an HTTP server's)
// instead of sending the call again; only a cancel sends tasks/cancel.
import "server-only";
import { createRunEvent } from "@/lib/engine/run-events";
import { RunAbort } from "@/lib/engine/worker-registry";
import type { TaskUpdate } from "@/lib/mcp/tasks";

const STATUS_LABELS: Record<TaskUpdate["status"], string> = {
  working: "working",
  input_required: "needs input",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

/** The run event's message for a task's status. */
export function taskEventMessage(update: TaskUpdate): string {
  return `Task ${update.taskId} on ${update.server} ${STATUS_LABELS[update.status]}${update.statusMessage ? `: ${update.statusMessage}` : ""}`;
}

/** Writes each task update as a run event, in order; `flush` waits for the last. */
export function taskEventWriter(runId: string, runStepId: string) {
  let chain = Promise.resolve();
  return {
    report(update: TaskUpdate) {
      chain = chain
        .then(() => createRunEvent(runId, "task", taskEventMessage(update), { runStepId, data: { task: { id: update.taskId, server: update.server, status: update.status, statusMessage: update.statusMessage } } }))
        .then(
          () => undefined,
          (error: unknown) => console.error("[engine] could not record a task's status", error),
        );
    },
    flush: () => chain,
  };
}

/** Only a cancel ends a task under way; after a shutdown or a lost lease the step's next attempt polls it again. */
export function keepTaskOnAbort(reason: unknown): boolean {
  return reason instanceof RunAbort && reason.kind !== "cancel";
}
