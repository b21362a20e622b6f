// The one map of status to colour and label, so "late" or "failed" look the same on every page.
import { cn } from "@/components/ui/cn";

type Tone = "green" | "amber" | "red" | "blue" | "zinc" | "violet";

const STATUS: Record<string, { label: string; tone: Tone; icon: string }> = {
  // runs and steps
  queued: { label: "queued", tone: "zinc", icon: "○" },
  pending: { label: "pending", tone: "zinc", icon: "○" },
  running: { label: "running", tone: "blue", icon: "◐" },
  waiting: { label: "waiting for approval", tone: "violet", icon: "◆" },
  succeeded: { label: "succeeded", tone: "green", icon: "✓" },
  failed: { label: "failed", tone: "red", icon: "✕" },
  cancelled: { label: "cancelled", tone: "zinc", icon: "⊘" },
  rejected: { label: "rejected", tone: "red", icon: "✕" },
  skipped: { label: "skipped", tone: "zinc", icon: "–" },
  // a step or tool call sent without an answer: a human checks before anything is sent again
  "outcome unknown": { label: "outcome unknown", tone: "amber", icon: "?" },
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
  archived: { label: "archived", tone: "zinc", icon: "▪" },
  active: { label: "active", tone: "green", icon: "●" },
};

const TONES: Record<Tone, string> = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-300",
  red: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
  blue: "bg-sky-50 text-sky-800 ring-sky-600/20 dark:bg-sky-950 dark:text-sky-300",
  violet: "bg-violet-50 text-violet-800 ring-violet-600/20 dark:bg-violet-950 dark:text-violet-300",
  zinc: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300",
};

export function statusTone(status: string): Tone {
  return STATUS[status]?.tone ?? "zinc";
}

export function StatusBadge({ status, className }: { status: string; className?: string }) {
  const s = STATUS[status] ?? { label: status, tone: "zinc" as const, icon: "•" };
  return (
    <span data-status={status} className={cn("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", TONES[s.tone], className)}>
      <span aria-hidden>{s.icon}</span>
      {s.label}
    </span>
  );
}
