// The one map of status to colour and label, so "late" or "failed" look the same on every page.
import { cn } from "@/components/ui/cn";
import { WAITING_LABELS, type WaitingReason } from "@/lib/engine/run-status";

type Tone = "green" | "amber" | "red" | "blue" | "zinc" | "violet";

const STATUS: Record<string, { label: string; tone: Tone; icon: string }> = {
  // runs and steps
  queued: { label: "queued", tone: "zinc", icon: "○" },
  pending: { label: "pending", tone: "zinc", icon: "○" },
  running: { label: "running", tone: "blue", icon: "◐" },
  waiting: { label: "waiting", tone: "violet", icon: "◆" },
  succeeded: { label: "succeeded", tone: "green", icon: "✓" },
  failed: { label: "failed", tone: "red", icon: "✕" },
  cancelled: { label: "cancelled", tone: "zinc", icon: "⊘" },
  rejected: { label: "rejected", tone: "red", icon: "✕" },
  skipped: { label: "skipped", tone: "zinc", icon: "–" },
  // a step or tool call sent without an answer: a human checks before anything is sent again
  "outcome unknown": { label: "outcome unknown", tone: "amber", icon: "?" },
  // an agent's tool call the gateway did not send
  refused: { label: "refused", tone: "red", icon: "⊘" },
  // drafts
  approved: { label: "approved", tone: "green", icon: "✓" },
  // heartbeats
  new: { label: "new", tone: "zinc", icon: "○" },
  up: { label: "up", tone: "green", icon: "●" },
  late: { label: "late", tone: "amber", icon: "◔" },
  failing: { label: "failing", tone: "red", icon: "✕" },
  paused: { label: "paused", tone: "zinc", icon: "❚❚" },
  started: { label: "started", tone: "blue", icon: "◐" },
  // MCP servers
  connected: { label: "connected", tone: "green", icon: "●" },
  connecting: { label: "connecting", tone: "blue", icon: "◐" },
  error: { label: "error", tone: "red", icon: "✕" },
  "not started": { label: "not started", tone: "zinc", icon: "○" },
  "needs approval": { label: "needs approval", tone: "amber", icon: "!" },
  disabled: { label: "disabled", tone: "zinc", icon: "⊘" },
  archived: { label: "archived", tone: "zinc", icon: "▪" },
  active: { label: "active", tone: "green", icon: "●" },
};

// a waiting run or step shows what it waits for; the words come from lib/engine/run-status.ts
const WAITING: Record<WaitingReason, { label: string; tone: Tone; icon: string }> = {
  approval: { label: WAITING_LABELS.approval, tone: "violet", icon: "◆" },
  "outcome-unknown": { label: WAITING_LABELS["outcome-unknown"], tone: "amber", icon: "?" },
  input: { label: WAITING_LABELS.input, tone: "violet", icon: "✎" },
};

const TONES: Record<Tone, string> = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-300",
  red: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
  blue: "bg-sky-50 text-sky-800 ring-sky-600/20 dark:bg-sky-950 dark:text-sky-300",
  violet: "bg-violet-50 text-violet-800 ring-violet-600/20 dark:bg-violet-950 dark:text-violet-300",
  zinc: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300",
};

/**
 * A tool call's row (ToolCall.status, isError) as a status of the map. A refused call was never sent and
 * an unknown one was sent without an answer: neither is "failed", whatever its isError says.
 */
export function toolCallStatus(call: { status: string; isError: boolean }): string {
  if (call.status === "refused") return "refused";
  if (call.status === "unknown") return "outcome unknown";
  if (call.status === "started") return "running";
  if (call.isError || call.status === "failed") return "failed";
  return "succeeded";
}

export function statusTone(status: string): Tone {
  return STATUS[status]?.tone ?? "zinc";
}

/** The badge of one tool call, the same on the run page, an agent's transcript and /runs/compare. */
export function ToolCallBadge({ call, className }: { call: { status: string; isError: boolean }; className?: string }) {
  return <StatusBadge status={toolCallStatus(call)} className={className} />;
}

/** `waitingFor` says what a `waiting` run or step waits for; it is ignored for any other status. */
export function StatusBadge({ status, waitingFor, className }: { status: string; waitingFor?: WaitingReason | null; className?: string }) {
  const s = (status === "waiting" && waitingFor ? WAITING[waitingFor] : STATUS[status]) ?? { label: status, tone: "zinc" as const, icon: "•" };
  return (
    <span
      data-status={status}
      data-waiting-for={status === "waiting" && waitingFor ? waitingFor : undefined}
      className={cn("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", TONES[s.tone], className)}
    >
      <span aria-hidden>{s.icon}</span>
      {s.label}
    </span>
  );
}
