import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/session";
import { rerunChoices } from "@/lib/engine/rerun";
import { getRunDetail } from "@/lib/engine/run-detail";
import { AGENT_RUNNERS } from "@/lib/pipelines/pipeline.schema";
import type { RunView } from "@/components/runs/run-view";
import { RunLive } from "./run-live";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  const { id } = await params;
  const run = await getRunDetail(id);
  if (!run) notFound();
  // the same JSON shape the live view polls from GET /api/runs/<id>
  const initial = JSON.parse(JSON.stringify(run)) as RunView;
  // the rerun form offers only what this viewer may pick
  const rerun = rerunChoices(run.pipelineSlug, user.role === "admin" ? "admin" : "operator", AGENT_RUNNERS);
  return <RunLive initial={initial} rerun={rerun} />;
}
