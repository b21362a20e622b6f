// Pre-flight: before a run's first step (and before it continues), every MCP server and tool its
// remaining steps and agent allow-lists name is checked: the server starts, the tool is there, and its
// pin is accepted where one is required; a tool an agent step names is unchanged since accepted, and
// read-only when the step comes before an approval step (the approval boundary). A run that would fail at step five fails at once, before any
// side effect or token is spent, with the whole list of what is missing. The run form shows the same check.
import "server-only";
import { prepared, sqlDate, writeTransaction } from "@/lib/db/client";
import type { AttemptRow } from "@/lib/engine/step-types";
import { endRun } from "@/lib/engine/run-transitions";
import type { PreflightInput, PreflightProblem, ToolStepRunner } from "@/lib/engine/tool-step-runner";
import { getMcpPool, McpUnavailableError } from "@/lib/mcp/pool";
import type { ServerEntry } from "@/lib/mcp/config";
import { trustedTool } from "@/lib/mcp/tool-trust";
import { approvalPosition, type ApprovalPosition } from "@/lib/pipelines/check-pipeline";
import { requireValidPipeline } from "@/lib/pipelines/load-pipelines";
import { stepKind, type PipelineStep } from "@/lib/pipelines/pipeline.schema";

function splitRef(ref: string): { server: string; tool: string } {
  const slash = ref.indexOf("/");
  return { server: ref.slice(0, slash), tool: ref.slice(slash + 1) };
}

/** Every problem the steps would meet with the MCP servers they name; empty when all is there. */
export async function preflightSteps(input: PreflightInput): Promise<PreflightProblem[]> {
  const pool = getMcpPool();
  const wanted: { step: PipelineStep; ref: string; position: ApprovalPosition }[] = [];
  for (const step of input.steps) {
    const kind = stepKind(step);
    if (kind === "approval") continue;
    if (input.stepIds && !input.stepIds.has(step.id)) continue;
    const refs = kind === "tool" ? [step.tool ?? ""] : (step.agent?.tools ?? []);
    const position = approvalPosition(input.steps, step.id);
    for (const ref of refs) wanted.push({ step, ref, position });
  }
  // start every server named at once: a run that needs three slow servers waits for the slowest only
  const servers = new Map<string, Promise<{ entry: ServerEntry } | { error: string }>>();
  for (const { ref } of wanted) {
    const { server } = splitRef(ref);
    if (servers.has(server)) continue;
    servers.set(
      server,
      (async () => {
        try {
          const entry = await pool.resolve(server, input.clientSlug);
          await pool.tools(entry);
          return { entry };
        } catch (error) {
          if (error instanceof McpUnavailableError) return { error: error.message };
          throw error;
        }
      })(),
    );
  }
  const problems: PreflightProblem[] = [];
  const reportedServers = new Set<string>();
  for (const { step, ref, position } of wanted) {
    const { server, tool } = splitRef(ref);
    const started = await servers.get(server);
    if (!started) continue;
    if ("error" in started) {
      if (!reportedServers.has(server)) problems.push({ stepId: step.id, ref: server, problem: started.error });
      reportedServers.add(server);
      continue;
    }
    if (tool === "*") continue;
    // an agent's tool meets the gateway's rule; `server/*` is no problem: it offers what the rule allows
    const agent = step.agent ? { beforeApproval: position.beforeApproval } : undefined;
    const verdict = await trustedTool(pool, started.entry, tool, position.afterApproval, agent);
    if (!verdict.ok) problems.push({ stepId: step.id, ref, problem: verdict.error });
  }
  return problems;
}

/** The run form's check: what a run of this pipeline for this client would miss. */
export async function preflightPipeline(pipelineSlug: string, clientSlug: string | null): Promise<PreflightProblem[]> {
  const pipeline = requireValidPipeline(pipelineSlug);
  return preflightSteps({ steps: pipeline.steps, clientSlug });
}

export function describeProblems(problems: PreflightProblem[]): string {
  return `Pre-flight: ${problems.length} thing${problems.length === 1 ? "" : "s"} this run needs ${problems.length === 1 ? "is" : "are"} missing, so no step ran: ${problems.map((p) => `step "${p.stepId}" (${p.ref}): ${p.problem}`).join("; ")}`;
}

/**
 * Checks the steps a run has still to run, with the runner's own check (the MCP runner's; test runners
 * have none). On a problem the run fails before its next step starts: that step is marked failed with
 * the list (so Retry runs it again once things are fixed). "lost" when this worker no longer holds the run.
 */
export async function preflightRun(input: { runId: string; workerId: string; runner: ToolStepRunner; steps: PipelineStep[]; rows: AttemptRow[]; clientSlug: string | null }): Promise<"passed" | "failed" | "lost"> {
  if (!input.runner.preflight) return "passed";
  const latest = new Map<string, AttemptRow>();
  for (const row of input.rows) latest.set(row.stepId, row);
  const pending = input.steps.map((s) => latest.get(s.id)).filter((r): r is AttemptRow => r?.status === "pending");
  if (pending.length === 0) return "passed";
  const problems = await input.runner.preflight({ steps: input.steps, clientSlug: input.clientSlug, stepIds: new Set(pending.map((r) => r.stepId)) });
  if (problems.length === 0) return "passed";
  const message = describeProblems(problems);
  // the run's end and its step's in one commit, only while this worker still holds the run
  const ended = await writeTransaction((db) => {
    if (!endRun(db, input.runId, input.workerId, { status: "failed", message, error: message, stepRowId: pending[0].id })) return false;
    prepared(db, `UPDATE "RunStep" SET "status" = 'failed', "finishedAt" = ?, "error" = ?, "outputJson" = ? WHERE "id" = ? AND "status" = 'pending'`).run(
      sqlDate(new Date()),
      message,
      JSON.stringify({ preflight: problems }),
      pending[0].id,
    );
    return true;
  });
  if (!ended) return "lost";
  return "failed";
}
