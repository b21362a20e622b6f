// Each heartbeat event kind in words, with the status of the one map (components/ui/status-badge.tsx)
// whose colour it shares: the history table and the strip of last results say the same thing.
import type { HeartbeatEventKind } from "@/lib/heartbeats/heartbeats.schema";

type EventLook = { word: string; status: string };

const EVENTS: Record<HeartbeatEventKind, EventLook> = {
  start: { word: "started", status: "started" },
  run: { word: "run started", status: "running" },
  success: { word: "success", status: "up" },
  fail: { word: "failure", status: "failing" },
  nothing: { word: "nothing to do", status: "skipped" },
  skipped: { word: "skipped: still running", status: "paused" },
  missed: { word: "missed", status: "late" },
  late: { word: "late", status: "late" },
  alert: { word: "alert", status: "failing" },
  recovered: { word: "recovered", status: "up" },
  paused: { word: "paused", status: "paused" },
  resumed: { word: "resumed", status: "new" },
};

/** An event kind's word and status; a kind this build does not know is shown as itself. */
export function heartbeatEvent(kind: string): EventLook {
  return Object.hasOwn(EVENTS, kind) ? EVENTS[kind as HeartbeatEventKind] : { word: kind, status: kind };
}
