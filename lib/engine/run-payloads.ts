// Large step outputs and tool-call results are left out of the run detail (API and page) and fetched
// here one at a time, so a run with a 20 MB result still loads and polls quickly.
import "server-only";
import { prisma } from "@/lib/db/client";
import { parseStoredJson } from "@/lib/db/stored-json";

/** Payloads up to this many characters are inline in the run detail; larger ones are fetched on demand. */
export const INLINE_PAYLOAD_MAX = 64 * 1024;

export async function getStepOutput(runId: string, runStepId: string) {
  const step = await prisma.runStep.findFirst({ where: { id: runStepId, runId }, select: { stepId: true, attempt: true, status: true, outputJson: true } });
  if (!step) return null;
  return { stepId: step.stepId, attempt: step.attempt, status: step.status, output: parseStoredJson(step.outputJson) };
}

export async function getToolCallResult(runId: string, callId: string) {
  const call = await prisma.toolCall.findFirst({
    where: { id: callId, runId },
    select: { server: true, tool: true, isError: true, isTruncated: true, resultBytes: true, resultJson: true },
  });
  if (!call) return null;
  const { resultJson, ...rest } = call;
  return { ...rest, result: parseStoredJson(resultJson) };
}
