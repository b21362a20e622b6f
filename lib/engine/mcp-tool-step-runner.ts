// Tool steps through the MCP pool: the call is recorded (as started, before it is sent) under the step's
// idempotency key. What that key promises: a call that may have acted and has no recorded answer (the
// worker died mid-call, a timeout, a lost connection) is never sent again by the engine under its key
// unless the tool is read-only or idempotent; a human decides (outcome unknown). A call that came back
// with an error result (isError) did not act, by the server's own word: its step fails, and Retry, a
// human's choice, sends it again under a new key. A tool whose error may follow a side effect declares
// `on_error: outcome-unknown` on its step, and its error result is then recorded as unknown instead.
import { preflightSteps } from "@/lib/engine/preflight";
import { CallNotStarted, callToolRecorded, OutcomeUnknownError } from "@/lib/mcp/calls";
import { OutcomeUnknownStepError, StepNotStarted, type PreflightInput, type PreflightProblem, type ToolStepRunner, type ToolStepRequest, type ToolStepResult } from "@/lib/engine/tool-step-runner";

export class McpToolStepRunner implements ToolStepRunner {
  readonly startsSteps = true;

  preflight(input: PreflightInput): Promise<PreflightProblem[]> {
    return preflightSteps(input);
  }

  async runTool(req: ToolStepRequest): Promise<ToolStepResult> {
    try {
      const result = await callToolRecorded({
        clientSlug: req.clientSlug,
        server: req.server,
        tool: req.tool,
        arguments: req.arguments,
        signal: req.signal,
        timeoutMs: req.timeoutMs,
        onProgress: req.onProgress,
        onTask: req.onTask,
        keepTaskOnAbort: req.keepTaskOnAbort,
        runId: req.runId,
        runStepId: req.runStepId,
        idempotencyKey: req.idempotencyKey,
        requireAcceptedPin: req.afterApproval === true,
        errorMeansUnknown: req.errorMeansUnknown === true,
        deferFinish: true,
        recordWith: req.startStep,
        // a tool that asks a person: input-waits.ts
        onInput: req.onInput,
        allowInputRequired: true,
        resume: req.resume,
      });
      return {
        content: result.content,
        structuredContent: result.structuredContent,
        isError: result.isError,
        error: result.error,
        reused: result.reused,
        truncated: result.truncated,
        outcomeUnknown: result.outcomeUnknown,
        toolCallId: result.toolCallId,
        finish: result.finish,
        inputRequired: result.inputRequired,
      };
    } catch (error) {
      if (error instanceof OutcomeUnknownError) throw new OutcomeUnknownStepError(error.message);
      if (error instanceof CallNotStarted) throw new StepNotStarted();
      throw error;
    }
  }
}
