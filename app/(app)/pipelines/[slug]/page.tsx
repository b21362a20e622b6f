import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { requirePageUser } from "@/lib/auth/session";
import { formatUsd, formatNumber } from "@/lib/format";
import { pipelineMonthSpend } from "@/lib/spend/spend-queries";
import { listClients } from "@/lib/clients/clients";
import { listRuns } from "@/lib/engine/run-list";
import { getCheckedPipeline } from "@/lib/mcp/approval-boundary";
import { pipelineNeedsClient, pipelineRunsForClient } from "@/lib/pipelines/check-pipeline";
import { stepKind } from "@/lib/pipelines/pipeline.schema";
import { RunList } from "@/components/runs/run-list";
import { RunForm } from "./run-form";

export const metadata: Metadata = { title: "Pipeline" };

export default async function PipelinePage({ params }: { params: Promise<{ slug: string }> }) {
  await requirePageUser();
  const { slug } = await params;
  const pipeline = await getCheckedPipeline(slug);
  if (!pipeline) notFound();
  const def = pipeline.definition;
  const clients = (await listClients()).filter((c) => !def || pipelineRunsForClient(def, c.slug));
  const [recent, spend] = await Promise.all([listRuns({ pipeline: pipeline.slug, limit: 10 }), pipelineMonthSpend(pipeline.slug)]);
  return (
    <>
      <PageHeader
        title={pipeline.name}
        description={
          <span className="flex flex-wrap gap-x-3">
            <span className="font-mono">{pipeline.file}</span>
            <span aria-label="Pipeline spend this month">
              {formatUsd(spend.usd)} this month over {spend.runs} run{spend.runs === 1 ? "" : "s"}
              {spend.subscriptionTokens > 0 && <> · {formatNumber(spend.subscriptionTokens)} subscription tokens</>}
            </span>
          </span>
        }
        actions={<StatusBadge status={pipeline.valid ? "active" : "error"} />}
      />
      {def?.description && <p className="mb-5 text-sm text-zinc-600 dark:text-zinc-400">{def.description}</p>}
      {!def ? (
        <Card title="This pipeline has errors">
          <p className="mb-2 text-sm">Fix the file in the workspace; this page shows the change without a restart.</p>
          <ul className="space-y-1">
            {pipeline.errors.map((e) => (
              <li key={e} className="font-mono text-xs text-red-700 dark:text-red-400">
                {e}
              </li>
            ))}
          </ul>
        </Card>
      ) : (
        <div className="grid gap-5 lg:grid-cols-[1fr_1fr]">
          <Card title="Run">
            <RunForm pipeline={pipeline.slug} inputs={def.inputs} clients={clients.map((c) => ({ slug: c.slug, name: c.name }))} needsClient={pipelineNeedsClient(def)} />
          </Card>
          <Card title="Steps">
            <ol className="space-y-2 text-sm">
              {def.steps.map((s, i) => (
                <li key={s.id} className="flex gap-2">
                  <span className="w-5 shrink-0 text-right text-zinc-400">{i + 1}.</span>
                  <span>
                    <span className="font-medium">{s.name ?? s.id}</span>{" "}
                    <span className="text-zinc-500">
                      {stepKind(s) === "tool" ? <code className="font-mono text-xs">{s.tool}</code> : stepKind(s) === "approval" ? "approval (creates a draft and waits)" : `agent (${s.agent?.runner})`}
                    </span>
                  </span>
                </li>
              ))}
            </ol>
          </Card>
        </div>
      )}
      <h2 className="mt-8 mb-3 text-sm font-semibold">Recent runs</h2>
      <RunList runs={recent.items} empty={<>No runs of this pipeline yet.</>} />
      {recent.nextCursor && (
        <p className="mt-2 text-sm">
          <Link className="underline" href={`/runs?pipeline=${pipeline.slug}`}>
            All runs of this pipeline
          </Link>
        </p>
      )}
    </>
  );
}
