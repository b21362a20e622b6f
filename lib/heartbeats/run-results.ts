// A heartbeat run's result becomes the heartbeat's success or failure once the run finishes, whichever
// process ran it: each look reads the run events still open (durationMs not yet set) whose run has
// finished, and closes them.
import "server-only";
import { isUniqueViolation, prepared, prisma, sqlite } from "@/lib/db/client";
import { FINISHED_RUN_STATUSES } from "@/lib/engine/run-status";
import { queueAlertRun } from "@/lib/heartbeats/control";
import type { HeartbeatDefinition } from "@/lib/heartbeats/definitions";
import { closeRunEvent } from "@/lib/heartbeats/events";
import { evaluateIncident, readState, writeSignal } from "@/lib/heartbeats/store";

/** At most this many results are recorded per look; the rest wait for the next. */
export const RUN_RESULTS_PER_LOOK = 1000;

// the run is joined before the limit: runs left waiting (an approval over a holiday) are never read, so
// however many there are, a finished run's result is still recorded
const OPEN_FINISHED = `SELECT e."id", e."heartbeatId", e."runId" FROM "HeartbeatEvent" e JOIN "Run" r ON r."id" = e."runId"
  WHERE e."kind" = 'run' AND e."durationMs" IS NULL AND r."status" IN (${FINISHED_RUN_STATUSES.map(() => "?").join(", ")})
  ORDER BY e."id" LIMIT ?`;

/** Records the result of each heartbeat run that finished since the last look (in any process). */
export async function recordFinishedRuns(heartbeats: HeartbeatDefinition[], now: Date): Promise<void> {
  const open = prepared(await sqlite(), OPEN_FINISHED).all(...FINISHED_RUN_STATUSES, RUN_RESULTS_PER_LOOK) as { id: number; heartbeatId: string; runId: string }[];
  if (open.length === 0) return;
  const runs = await prisma.run.findMany({
    where: { id: { in: open.map((o) => o.runId) }, status: { in: [...FINISHED_RUN_STATUSES] } },
    select: { id: true, status: true, error: true, createdAt: true, startedAt: true, finishedAt: true, heartbeatSlug: true },
  });
  const bySlug = new Map(heartbeats.map((h) => [h.slug, h]));
  for (const run of runs) {
    const event = open.find((o) => o.runId === run.id);
    if (!event) continue;
    const finishedAt = run.finishedAt ?? now;
    // the scheduler's clock, not the worker's, orders this result among the heartbeat's other signals
    const at = finishedAt < now ? finishedAt : now;
    const durationMs = finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime();
    const ok = run.status === "succeeded" || run.status === "rejected";
    const message = run.status === "rejected" ? "the draft was rejected" : run.status === "cancelled" ? "the run was cancelled" : run.status === "failed" ? (run.error ?? "the run failed") : null;
    const state = await readState(event.heartbeatId);
    if (!state) continue;
    try {
      // keyed by the run's finish time: two schedulers recording the same result write it once
      await writeSignal(state, { kind: ok ? "success" : "fail", at, dueAt: finishedAt, runId: run.id, durationMs, message });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    await closeRunEvent(event.id, durationMs);
    const def = bySlug.get(state.slug);
    if (def) await evaluateIncident(def, state.id, now, queueAlertRun);
  }
}
