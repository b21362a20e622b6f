// "Approvals show the frozen call": the tool calls that will run once a draft version is approved, with
// their arguments rendered from that version, so the reviewer sees exactly what will be sent.
import "server-only";
import { idempotencyKeyFor } from "@/lib/engine/execute-step";
import { absorbOutput, loadRunState } from "@/lib/engine/run-state";
import { parseStoredJson } from "@/lib/db/stored-json";
import { renderArgs, TemplateError } from "@/lib/pipelines/templates";

export type FrozenCall = {
  stepId: string;
  server: string;
  tool: string;
  /** null when an argument depends on a step that has not run yet (see `note`) */
  arguments: Record<string, unknown> | null;
  idempotencyKey: string;
  note: string | null;
};

/**
 * The tool steps after the draft's approval step, up to the next approval or agent step (whose output
 * cannot be known in advance), rendered as if `version` with this title and body were approved.
 */
export async function previewCallsAfterApproval(draft: { runId: string | null; stepId: string; version: number; title: string; body: string }): Promise<FrozenCall[]> {
  if (!draft.runId) return [];
  const state = await loadRunState(draft.runId);
  if (!state || state === "unreadable") return [];
  const { pipeline, rows, templates } = state;
  const index = pipeline.steps.findIndex((s) => s.id === draft.stepId);
  if (index < 0) return [];
  for (const step of pipeline.steps.slice(0, index)) {
    const latest = rows.filter((r) => r.stepId === step.id).at(-1);
    if (latest?.status === "succeeded") absorbOutput(step, parseStoredJson(latest.outputJson), templates);
  }
  absorbOutput(pipeline.steps[index], { title: draft.title, body: draft.body, version: draft.version, text: draft.body }, templates);

  const calls: FrozenCall[] = [];
  for (const step of pipeline.steps.slice(index + 1)) {
    if (!step.tool) break;
    const attempts = rows.filter((r) => r.stepId === step.id);
    const row = attempts.at(-1);
    if (!row) break;
    const slash = step.tool.indexOf("/");
    let args: Record<string, unknown> | null = null;
    let note: string | null = null;
    try {
      args = renderArgs(step.args ?? {}, templates) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      note = `Known when the step runs: ${error.message}`;
    }
    calls.push({
      stepId: step.id,
      server: step.tool.slice(0, slash),
      tool: step.tool.slice(slash + 1),
      arguments: args,
      idempotencyKey: idempotencyKeyFor(draft.runId, row, attempts, draft.version),
      note,
    });
  }
  return calls;
}
