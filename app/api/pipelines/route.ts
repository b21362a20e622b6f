// GET /api/pipelines - every pipeline file with its inputs, schedule, and errors (file:line field: message)
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";
import { listPipelines, pipelineSummary } from "@/lib/pipelines/load-pipelines";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async () => json({ items: listPipelines().map(pipelineSummary), nextCursor: null }));
