// An agent step's transcript as the run page reads it: its events (prompt, text, usage, answer, log)
// a page at a time, newest page first, then forward from the last one seen, so a step with thousands
// of events is followed live and its older events are read only when asked for.
import "server-only";
import { prisma } from "@/lib/db/client";
import { parseStoredJson } from "@/lib/db/stored-json";

export const STEP_EVENTS_PAGE = 200;

export async function listStepEvents(runId: string, runStepId: string, options: { after?: number; before?: number; limit?: number }) {
  const limit = Math.min(Math.max(options.limit ?? STEP_EVENTS_PAGE, 1), STEP_EVENTS_PAGE);
  const forward = options.after !== undefined;
  const rows = await prisma.runEvent.findMany({
    where: {
      runId,
      runStepId,
      ...(forward ? { id: { gt: options.after } } : options.before !== undefined ? { id: { lt: options.before } } : {}),
    },
    // forward: the oldest after the cursor; otherwise the newest before it (the latest page first)
    orderBy: { id: forward ? "asc" : "desc" },
    take: limit + 1,
    select: { id: true, type: true, message: true, dataJson: true, createdAt: true },
  });
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!forward) page.reverse();
  const items = page.map(({ dataJson, ...e }) => ({ ...e, data: parseStoredJson(dataJson) }));
  return { items, hasMoreAfter: forward && more, hasMoreBefore: !forward && more };
}

export type StepEvent = Awaited<ReturnType<typeof listStepEvents>>["items"][number];
