// The approval boundary when a pipeline is loaded: an agent step before an approval step that lists, by
// name, a tool whose accepted definition is not read-only is a pipeline error, shown on /pipelines and the
// run form and refused when a run is queued. What a tool may do is read from the pins an admin accepted
// (any scope: a tool destructive for one client's server is not listed for any); a tool not seen yet is
// left to the run's pre-flight, which starts its server. The gateway enforces the same rule on each call.
import "server-only";
import { prisma } from "@/lib/db/client";
import { isReadOnly, storedAcceptedAnnotations } from "@/lib/mcp/pins";
import { checkApprovalBoundary, type PathIssue } from "@/lib/pipelines/check-pipeline";
import { getPipeline, listPipelines, withIssues, type PipelineEntry } from "@/lib/pipelines/load-pipelines";
import type { PipelineStep } from "@/lib/pipelines/pipeline.schema";

/** The tools agent steps name explicitly (not `server/*`). */
function namedTools(steps: readonly PipelineStep[]): { server: string; tool: string }[] {
  return steps
    .flatMap((s) => s.agent?.tools ?? [])
    .flatMap((ref) => {
      const slash = ref.indexOf("/");
      const tool = ref.slice(slash + 1);
      return tool === "*" ? [] : [{ server: ref.slice(0, slash), tool }];
    });
}

/** Whether each tool is read-only by what an admin accepted: false when any accepted definition is not, null when none is known. */
async function acceptedReadOnly(refs: { server: string; tool: string }[]): Promise<(server: string, tool: string) => boolean | null> {
  const known = new Map<string, boolean>();
  if (refs.length > 0) {
    const pins = await prisma.toolPin.findMany({ where: { OR: refs }, select: { server: true, tool: true, acceptedJson: true } });
    for (const pin of pins) {
      const annotations = storedAcceptedAnnotations(pin);
      if (annotations === null) continue;
      const key = `${pin.server}/${pin.tool}`;
      known.set(key, (known.get(key) ?? true) && isReadOnly(annotations));
    }
  }
  return (server, tool) => known.get(`${server}/${tool}`) ?? null;
}

/** The boundary's problems with these steps, by the pins known now; empty when there are none. */
export async function approvalBoundaryIssues(steps: readonly PipelineStep[]): Promise<PathIssue[]> {
  const needsCheck = steps.some((s) => s.approval) && steps.some((s) => s.agent);
  if (!needsCheck) return [];
  return checkApprovalBoundary(steps, await acceptedReadOnly(namedTools(steps)));
}

async function checked(entry: PipelineEntry): Promise<PipelineEntry> {
  return entry.definition ? withIssues(entry, await approvalBoundaryIssues(entry.definition.steps)) : entry;
}

/** Every pipeline as listPipelines gives it, with the approval boundary checked. */
export async function listCheckedPipelines(): Promise<PipelineEntry[]> {
  return Promise.all(listPipelines().map(checked));
}

/** One pipeline as getPipeline gives it, with the approval boundary checked. */
export async function getCheckedPipeline(slug: string): Promise<PipelineEntry | null> {
  const entry = getPipeline(slug);
  return entry ? checked(entry) : null;
}
