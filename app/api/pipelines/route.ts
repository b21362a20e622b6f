// GET /api/pipelines - every pipeline file with its inputs, schedule, and errors (file:line field: message)
import { apiRoute } from "@/lib/http/route";
import { json } from "@/lib/http/response";
import { listPipelines } from "@/lib/pipelines/load-pipelines";

export const dynamic = "force-dynamic";

export const GET = apiRoute("user", async () => {
  const items = listPipelines().map((p) => ({
    slug: p.slug,
    name: p.name,
    description: p.definition?.description ?? "",
    file: p.file,
    inputs: p.definition?.inputs ?? {},
    schedule: p.definition?.schedule ?? null,
    steps: p.definition?.steps.map((s) => ({ id: s.id, kind: s.approval ? "approval" : s.agent ? "agent" : "tool", tool: s.tool ?? null })) ?? [],
    valid: p.valid,
    errors: p.errors,
  }));
  return json({ items, nextCursor: null });
});
