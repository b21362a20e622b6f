// Log, progress and status lines of a run, written as they happen; the run page polls them by id.
import "server-only";
import { prepared, prisma, sqlDate, type Sqlite } from "@/lib/db/client";

// prompt, text, usage, builtin (a call of the runner's own tool) and answer: an agent step's transcript;
// task: a tool step's task changed its status or status message (lib/engine/task-steps.ts)
export type RunEventType = "log" | "progress" | "status" | "prompt" | "text" | "usage" | "builtin" | "answer" | "task";

const MESSAGE_MAX = 2_000;
const DATA_MAX = 16_000;

/** The row for one event; callers put it in a batch with the change it describes. */
export function runEventRow(runId: string, type: RunEventType, message: string, options: { runStepId?: string | null; data?: unknown } = {}) {
  let dataJson: string | null = null;
  if (options.data !== undefined) {
    dataJson = JSON.stringify(options.data);
    if (dataJson.length > DATA_MAX) dataJson = JSON.stringify({ truncated: true, bytes: dataJson.length });
  }
  return {
    runId,
    runStepId: options.runStepId ?? null,
    type,
    message: message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message,
    dataJson,
  };
}

export function createRunEvent(...args: Parameters<typeof runEventRow>) {
  return prisma.runEvent.create({ data: runEventRow(...args), select: { id: true } });
}

/** Inserts an event inside a `writeTransaction`: the hot path's prepared-statement twin of `runEventRow`. */
export function insertRunEvent(db: Sqlite, row: ReturnType<typeof runEventRow>, now = new Date()): void {
  prepared(db, `INSERT INTO "RunEvent" ("runId", "runStepId", "type", "message", "dataJson", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`).run(row.runId, row.runStepId, row.type, row.message, row.dataJson, sqlDate(now));
}
