// Ad-hoc tool calls (an admin's call from /tools or POST /api/mcp/servers/<name>/tools/<tool>): their
// own kind of run, trigger "adhoc", with no pipeline (pipelineSlug "", never a page of /pipelines) and
// one tool step. The request that makes the call runs it and records its end, so there is nothing to
// queue, resume or retry: to repeat one, call the tool again.
import "server-only";
import { recordAudit, type Actor } from "@/lib/audit";
import { prisma } from "@/lib/db/client";
import { SafeError } from "@/lib/errors";
import { ADHOC_PIPELINE_SLUG, ADHOC_TRIGGER, adHocCallOf } from "@/lib/engine/adhoc";
import { endRunNow } from "@/lib/engine/run-transitions";
import { callToolRecorded } from "@/lib/mcp/calls";
import { DEFAULT_MAX_TOTAL_MS, prepareCall, ToolCallRefused } from "@/lib/mcp/send-call";
import { McpUnavailableError } from "@/lib/mcp/pool";

const ADHOC_TIMEOUT_MS = 120_000;
const RESULT_INLINE_MAX = 64 * 1024;
/** The lease holder of this process's ad-hoc runs: recovery takes a run over only when this process died. */
const adHocLeaseOwner = `adhoc-${process.pid}`;

export type AdHocCallInput = { server: string; tool: string; arguments: Record<string, unknown>; clientSlug?: string | null };

function refusal(error: unknown): unknown {
  return error instanceof ToolCallRefused || error instanceof McpUnavailableError ? new SafeError(error.message, 400) : error;
}

/** Makes the call, recorded as an ad-hoc run; a refusal before anything is sent records nothing. */
export async function callToolAdHoc(input: AdHocCallInput, actor: Actor) {
  const clientSlug = input.clientSlug ?? null;
  try {
    await prepareCall({ server: input.server, tool: input.tool, arguments: input.arguments, clientSlug });
  } catch (error) {
    throw refusal(error);
  }
  const client = clientSlug ? await prisma.client.findUnique({ where: { slug: clientSlug }, select: { id: true } }) : null;
  const startedAt = new Date();
  const run = await prisma.run.create({
    data: {
      pipelineSlug: ADHOC_PIPELINE_SLUG,
      pipelineName: `${input.server}/${input.tool}`,
      pipelineJson: "{}",
      trigger: ADHOC_TRIGGER,
      status: "running",
      clientId: client?.id ?? null,
      createdById: actor.id ?? null,
      createdByLabel: actor.label,
      startedAt,
      // this process runs the call itself; the lease outlasts the longest call, so the worker's recovery
      // leaves the run alone unless this process died (then it fails it as interrupted)
      leaseOwner: adHocLeaseOwner,
      leaseExpiresAt: new Date(startedAt.getTime() + Math.max(ADHOC_TIMEOUT_MS, DEFAULT_MAX_TOTAL_MS) + 60_000),
      steps: { create: { stepId: "call", position: 0, kind: "tool", status: "running", startedAt } },
    },
    select: { id: true, clientId: true, steps: { select: { id: true } } },
  });
  const runStepId = run.steps[0].id;
  const finish = (status: "succeeded" | "failed", error: string | null) =>
    endRunNow(run.id, adHocLeaseOwner, {
      status,
      error,
      message: status === "succeeded" ? `Called by ${actor.label}` : `Called by ${actor.label}: ${error ?? "failed"}`,
      stepRowId: runStepId,
      runningSteps: { status, error },
    });
  try {
    const result = await callToolRecorded({ server: input.server, tool: input.tool, arguments: input.arguments, clientSlug, timeoutMs: ADHOC_TIMEOUT_MS, runId: run.id, runStepId });
    await finish(result.isError ? "failed" : "succeeded", result.isError ? (result.error ?? "The tool reported an error") : null);
    await recordAudit({ actor, action: "tool.call", targetType: "run", targetId: run.id, clientId: run.clientId, data: { server: input.server, tool: input.tool } });
    return { ...result, runId: run.id };
  } catch (error) {
    await finish("failed", error instanceof Error ? error.message.slice(0, 2_000) : "The call failed").catch(() => undefined);
    throw refusal(error);
  }
}

/** The latest ad-hoc calls with their arguments and results, for /tools. */
export async function listRecentAdHocCalls(limit = 10) {
  const runs = await prisma.run.findMany({
    where: { pipelineSlug: ADHOC_PIPELINE_SLUG, trigger: ADHOC_TRIGGER },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: {
      id: true,
      status: true,
      error: true,
      createdAt: true,
      createdByLabel: true,
      pipelineName: true,
      trigger: true,
      client: { select: { slug: true, name: true } },
      toolCalls: { take: 1, select: { server: true, tool: true, status: true, isError: true, error: true, argumentsJson: true, resultJson: true, resultBytes: true, isTruncated: true, durationMs: true } },
    },
  });
  return runs.map(({ toolCalls, pipelineName, trigger, ...run }) => {
    const call = toolCalls[0] ?? null;
    const parse = (json: string | null) => {
      if (json === null || json.length > RESULT_INLINE_MAX) return null;
      try {
        return JSON.parse(json) as unknown;
      } catch {
        return null;
      }
    };
    return {
      ...run,
      call: adHocCallOf({ trigger, pipelineName }),
      toolCall: call && {
        status: call.status,
        isError: call.isError,
        error: call.error,
        durationMs: call.durationMs,
        isTruncated: call.isTruncated,
        resultBytes: call.resultBytes,
        arguments: parse(call.argumentsJson),
        result: parse(call.resultJson) as { content?: unknown[] } | null,
        resultOmitted: call.resultJson !== null && call.resultJson.length > RESULT_INLINE_MAX,
      },
    };
  });
}

export type AdHocCallItem = Awaited<ReturnType<typeof listRecentAdHocCalls>>[number];
