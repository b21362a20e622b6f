// Which runs are still going, and what a waiting run waits for: one definition for the queries, the
// pages and the status badge. Plain TS with no imports at all, so client components use it too.

/** A run in one of these may still change: it is listed as active, polled live, and may be cancelled. */
export const ACTIVE_RUN_STATUSES = ["queued", "running", "waiting"] as const;

/**
 * Why a run or step is `waiting`. `approval`: an approval step's draft awaits a decision on /drafts.
 * `outcome-unknown`: a tool call may or may not have had its effect (a crash or lost lease mid-call, or an
 * error its step's `on_error: outcome-unknown` says may come after the server acted), so a human checks
 * the target system and sends it again or skips it on the run's page. `input`: a tool asked a person for
 * input (lib/engine/input-waits.ts): the run page, the Today board and the API show its question and a form.
 */
const WAITING_REASONS = ["approval", "outcome-unknown", "input"] as const;
export type WaitingReason = (typeof WAITING_REASONS)[number];

export const WAITING_LABELS: Record<WaitingReason, string> = {
  approval: "waiting for approval",
  "outcome-unknown": "outcome unknown",
  input: "waiting for input",
};

export function isActiveRunStatus(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
}

/** A run in one of these has ended: it may be run again (lib/engine/rerun.ts) and compared. */
export const FINISHED_RUN_STATUSES = ["succeeded", "failed", "cancelled", "rejected"] as const;

export function isFinishedRunStatus(status: string): boolean {
  return (FINISHED_RUN_STATUSES as readonly string[]).includes(status);
}

/**
 * What a waiting step waits for. Approval steps wait for a person's decision by design; a tool or agent
 * step waits for input when its marker says so (`waitingForInput`, written by input-waits.ts), and
 * otherwise only when the engine parked it with an unknown outcome (execute-run's outcome-unknown path).
 */
export function stepWaitingReason(step: { status: string; kind: string; outputJson?: string | null }): WaitingReason | null {
  if (step.status !== "waiting") return null;
  if (step.kind === "approval") return "approval";
  return step.outputJson?.includes('"waitingForInput":true') ? "input" : "outcome-unknown";
}

/** What a run waits for: that of its waiting step (a run waits on one step at a time). */
export function runWaitingReason(run: { status: string }, steps: { status: string; kind: string; outputJson?: string | null }[]): WaitingReason | null {
  if (run.status !== "waiting") return null;
  for (const step of steps) {
    const reason = stepWaitingReason(step);
    if (reason) return reason;
  }
  return null;
}

/**
 * How long a run, step or job took, or has been going up to `now`: the one computation for the run page,
 * the lists and /runs/compare. Null before it started, and while it runs when there is no `now` (a client
 * component's first render: the server has no "now" the browser shares).
 */
export function elapsedMs(start: string | Date | null | undefined, end: string | Date | null | undefined, now: number | null): number | null {
  if (!start) return null;
  const endMs = end ? new Date(end).getTime() : now;
  if (endMs === null) return null;
  return Math.max(0, endMs - new Date(start).getTime());
}
