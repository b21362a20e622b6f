// GET /api/runs?client=&pipeline=&status=&trigger=&from=&to=&limit=&cursor= - run history, newest first (trigger=adhoc: ad-hoc tool calls)
// POST /api/runs { pipeline, client?, inputs? } - queue a run -> 202 { id }
import { listRunsQuery } from "@/lib/engine/engine.schema";
import { queueRun } from "@/lib/engine/queue-run";
import { listRuns } from "@/lib/engine/run-list";
import { apiRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/request";
import { json } from "@/lib/http/response";
import { ZRunRequest } from "@/lib/pipelines/run-inputs.schema";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async ({ req }) => json(await listRuns(listRunsQuery(new URL(req.url).searchParams))));

export const POST = apiRoute(
  "user",
  async ({ req, user }) => {
    const body = ZRunRequest.parse(await readJson(req));
    const id = await queueRun({
      pipelineSlug: body.pipeline,
      clientSlug: body.client ?? null,
      inputs: body.inputs ?? {},
      createdBy: { id: user.id, label: user.email },
      trigger: "api",
    });
    return json({ id }, 202);
  },
  { scope: "run" },
);
