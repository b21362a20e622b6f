// The shapes a step's execution passes around: a step's attempt row, what a step runs with, and how it
// ended. Apart from execute-step.ts so that the step kinds (agent-step.ts), the executor and the run
// state import them without importing each other.
import type { ToolStepRunner, ToolStepRequest } from "@/lib/engine/tool-step-runner";
import type { RunAbortKind } from "@/lib/engine/worker-registry";
import type { NewInputRequest } from "@/lib/engine/input-waits";
import type { PendingWrite } from "@/lib/mcp/calls";
import type { TemplateContext } from "@/lib/pipelines/templates";

export type AttemptRow = { id: string; stepId: string; position: number; kind: string; status: string; attempt: number; outputJson: string | null; error: string | null };

export type StepContext = {
  runId: string;
  /** the run's lease holder: the worker's claim of it (`<worker id>:<claim id>`) */
  workerId: string;
  client: { id: string; slug: string } | null;
  pipelineSlug: string;
  runner: ToolStepRunner;
  signal: AbortSignal;
  templates: TemplateContext;
  /** the version approved at the nearest approval step before this one, if any */
  approvedVersion: number | null;
  /** the step's start, for a runner that commits it with its call's record (execute-run.ts) */
  startStep?: ToolStepRequest["startStep"];
};

/** `writes`: database writes of the step (its tool call's result) to commit with the step's outcome */
export type StepResult =
  | { status: "succeeded"; output: Record<string, unknown>; message?: string; writes?: PendingWrite[] }
  | { status: "failed"; error: string; output?: Record<string, unknown>; writes?: PendingWrite[] }
  | { status: "waiting"; message: string }
  | { status: "outcome-unknown"; error: string; idempotencyKey: string; writes?: PendingWrite[] }
  /** the step's tool asked for input that outlives this worker (input_required, or an agent's tool): the run parks */
  | { status: "input-needed"; request: NewInputRequest; writes?: PendingWrite[] }
  | { status: "aborted"; kind: RunAbortKind; writes?: PendingWrite[] }
  | { status: "lost" };
