// GET /api/runs?client=&pipeline=&status=&trigger=&from=&to=&limit=&cursor= - run history, newest first (trigger=adhoc: ad-hoc tool calls)
// POST /api/runs { pipeline, client?, inputs? } - queue a run -> 202 { id }
import { z } from "zod";
import { RUN_STATUSES, type RunTrigger } from "@/lib/engine/engine.schema";
import { queueRun } from "@/lib/engine/queue-run";
import { listRuns } from "@/lib/engine/run-queries";
import { apiRoute } from "@/lib/http/route";
import { json, readJson } from "@/lib/http/response";

export const dynamic = "force-dynamic";

const ZCreateRunBody = z.object({
  pipeline: z.string().min(1).max(64),
  client: z.string().max(64).nullish(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

export const GET = apiRoute("user", async ({ req }) => {
  const q = new URL(req.url).searchParams;
  const statuses = z
    .array(z.enum(RUN_STATUSES, { error: `status must be one of ${RUN_STATUSES.join(", ")}` }))
    .parse(q.getAll("status").flatMap((s) => s.split(",")).filter(Boolean));
  const page = await listRuns({
    clientSlug: q.get("client"),
    pipeline: q.get("pipeline"),
    status: statuses.length === 0 ? undefined : statuses,
    trigger: (q.get("trigger") || undefined) as RunTrigger | undefined,
    from: q.get("from") ?? undefined,
    to: q.get("to") ?? undefined,
    limit: q.get("limit") ?? undefined,
    cursor: q.get("cursor"),
  });
  return json(page);
});

export const POST = apiRoute("user", async ({ req, user }) => {
  const body = ZCreateRunBody.parse(await readJson(req));
  const id = await queueRun({
    pipelineSlug: body.pipeline,
    clientSlug: body.client ?? null,
    inputs: body.inputs ?? {},
    createdBy: { id: user.id, label: user.email },
    trigger: "api",
  });
  return json({ id }, 202);
});
