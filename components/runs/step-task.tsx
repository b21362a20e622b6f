// A tool step's MCP task on the run page: its status and the server's latest status message, updated
// with the page's live polling (GET /api/runs/<id>: `steps[].task`); every earlier message is in the log.
import type { RunView } from "@/components/runs/run-view";

type StepTask = NonNullable<RunView["steps"][number]["task"]>;

const LABELS: Record<StepTask["status"], string> = {
  working: "working",
  input_required: "needs input",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

export function StepTaskLine({ task, live }: { task: StepTask; live: boolean }) {
  return (
    <p className="mt-2 text-sm break-words" aria-label="Task" data-task-status={task.status} role={live ? "status" : undefined} aria-live={live ? "polite" : undefined}>
      <span className="text-zinc-500">
        Task on {task.server} <span className="font-medium text-zinc-700 dark:text-zinc-300">{LABELS[task.status]}</span>
        {task.statusMessage ? ": " : ""}
      </span>
      {task.statusMessage}
      <span className="ml-2 font-mono text-xs text-zinc-400" title="The server's task id">
        {task.id}
      </span>
    </p>
  );
}
