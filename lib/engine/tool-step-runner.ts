// The seam between the engine and whatever executes a tool step. The worker uses the MCP pool
// (mcp-tool-step-runner.ts); engine tests inject a small runner of their own.
import type { Sqlite } from "@/lib/db/client";
import type { PendingWrite } from "@/lib/mcp/calls";
import type { InputContinuation, InputHandler, InputRequired } from "@/lib/mcp/input-requests";
import type { TaskUpdate } from "@/lib/mcp/tasks";
import type { PipelineStep } from "@/lib/pipelines/pipeline.schema";

/** What a run's steps would miss before they run (a server, a tool, an accepted pin). */
export type PreflightProblem = { stepId: string; ref: string; problem: string };

export type PreflightInput = {
  steps: PipelineStep[];
  clientSlug: string | null;
  /** check only these steps (a resumed run: the rest already ran); every step when absent */
  stepIds?: ReadonlySet<string>;
};

export type ToolProgress = { progress: number; total?: number; message?: string };

export type ToolStepRequest = {
  runId: string;
  runStepId: string;
  stepId: string;
  attempt: number;
  clientSlug: string | null;
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
  idempotencyKey: string;
  /** an approval step of this run came before: the tool must be as an admin accepted it */
  afterApproval?: boolean;
  /**
   * The step's `on_error: outcome-unknown`: an error result of a tool that is neither read-only nor
   * idempotent comes back (and is recorded) as `outcomeUnknown`, since the server may have acted first.
   */
  errorMeansUnknown?: boolean;
  signal: AbortSignal;
  timeoutMs?: number;
  onProgress: (progress: ToolProgress) => void;
  /** the call was answered with a task (lib/mcp/tasks.ts): each new status and status message */
  onTask?: (update: TaskUpdate) => void;
  /** an abort for which reason leaves a task under way running, to be polled again when the step resumes */
  keepTaskOnAbort?: (reason: unknown) => boolean;
  /**
   * Given to a runner that `startsSteps`: marks the step running, to be committed with the call's own
   * "started" record. False when the step is no longer this worker's: then throw StepNotStarted.
   */
  startStep?: (db: Sqlite) => boolean;
  /** an old server asks for input mid-call (elicitation/create): resolves with a person's answer (input-waits.ts) */
  onInput?: InputHandler;
  /**
   * The step's call came back `input_required` and a person answered: send that call (`toolCallId`, under
   * the same idempotency key) again with the answer and the server's stored requestState.
   */
  resume?: { toolCallId: string | null; continuation: InputContinuation };
};

export type ToolStepResult = {
  content: unknown[];
  structuredContent?: unknown;
  isError: boolean;
  /** the server's or the MCP layer's message when isError */
  error?: string;
  /** the result was recorded earlier under the same idempotency key and not sent again */
  reused?: boolean;
  truncated?: boolean;
  /** sent, and no answer came back (a timeout, a cancel, a lost connection): it may have acted */
  outcomeUnknown?: boolean;
  toolCallId?: string;
  /** the write of the call's result, for the engine to commit with the step's result */
  finish?: PendingWrite;
  /** the server needs a person's input first (2026-07-28 `input_required`): the step waits for it */
  inputRequired?: InputRequired;
};

export interface ToolStepRunner {
  runTool(request: ToolStepRequest): Promise<ToolStepResult>;
  /** what the steps would miss (servers, tools, accepted pins), checked before a run's next step */
  preflight?(input: PreflightInput): Promise<PreflightProblem[]>;
  /**
   * The runner commits `request.startStep` with its call's "started" record (one commit fewer per step).
   * Otherwise the engine commits the step's start itself before calling runTool.
   */
  readonly startsSteps?: boolean;
}

/** The step was no longer this worker's when its start was to be recorded: nothing was sent. */
export class StepNotStarted extends Error {
  constructor() {
    super("The step is no longer this worker's");
    this.name = "StepNotStarted";
  }
}

/**
 * The call was recorded as started but never finished (a crash in between), and the tool is neither
 * read-only nor idempotent: sending it again could repeat a side effect, so a human decides.
 */
export class OutcomeUnknownStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutcomeUnknownStepError";
  }
}
