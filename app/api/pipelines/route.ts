// GET /api/pipelines - every pipeline file with its inputs, schedule, and errors (file:line field: message)
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";
import { listCheckedPipelines } from "@/lib/mcp/approval-boundary";
import { pipelineSummary } from "@/lib/pipelines/load-pipelines";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async () => json({ items: (await listCheckedPipelines()).map(pipelineSummary), nextCursor: null }));
