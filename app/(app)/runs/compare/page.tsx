import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { requirePageUser } from "@/lib/auth/session";
import { compareRuns } from "@/lib/engine/run-compare";
import { ZCompareQuery } from "@/lib/engine/rerun.schema";
import { AgentStepCompare, DraftCompare, SummaryTable } from "./compare-sections";

export const metadata: Metadata = { title: "Compare runs" };

/** Two run ids, for when the page was opened without them or with one that is wrong. */
function PickRuns({ a, b }: { a: string; b: string }) {
  return (
    <form method="get" action="/runs/compare" aria-label="Choose two runs" className="mt-6 flex flex-wrap items-end gap-2">
      <label className="text-xs text-zinc-500">
        Run A
        <Input name="a" defaultValue={a} className="w-64 font-mono" placeholder="run id" />
      </label>
      <label className="text-xs text-zinc-500">
        Run B
        <Input name="b" defaultValue={b} className="w-64 font-mono" placeholder="run id" />
      </label>
      <button type="submit" className={buttonClass("secondary")}>
        Compare
      </button>
    </form>
  );
}

export default async function CompareRunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser();
  const { a: aId, b: bId } = ZCompareQuery.parse(await searchParams);
  const header = <PageHeader title="Compare runs" description="Two runs side by side: what each cost and took, what each agent did and said, and how their drafts differ." />;
  if (!aId && !bId) {
    return (
      <>
        {header}
        <EmptyState title="Choose two runs to compare">
          Open a finished run, use <strong>Run again with another runner</strong>, then <strong>Compare</strong> on the new run; or give two run ids below.{" "}
          <Link className="underline" href="/runs">
            Browse runs
          </Link>
          .
        </EmptyState>
        <PickRuns a="" b="" />
      </>
    );
  }
  const { a, b, missing, samePipeline, relation, agentSteps, drafts } = await compareRuns(aId, bId);
  if (!a || !b) {
    return (
      <>
        {header}
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          {missing.map((m) => (
            <p key={m.side}>
              Run {m.side.toUpperCase()}:{" "}
              {m.id ? (
                <>
                  there is no run with the id <code className="font-mono">{m.id}</code>.
                </>
              ) : (
                "no run id was given."
              )}
            </p>
          ))}
        </div>
        <PickRuns a={aId} b={bId} />
      </>
    );
  }
  return (
    <>
      {header}
      {relation && <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">Run {relation === "b-reruns-a" ? "B re-runs A" : "A re-runs B"} with the same inputs and client.</p>}
      {!samePipeline && (
        <p role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          These runs are of different pipelines (A: {a.pipelineName}, B: {b.pipelineName}), so their steps and drafts are not compared; only their figures are.
        </p>
      )}
      <SummaryTable a={a} b={b} />
      {samePipeline && (
        <>
          <h2 className="mb-2 text-sm font-semibold">Agent steps</h2>
          {agentSteps.length === 0 ? <p className="mb-5 text-sm text-zinc-500">This pipeline has no agent steps.</p> : agentSteps.map((pair) => <AgentStepCompare key={pair.stepId} pair={pair} />)}
          <h2 className="mb-2 text-sm font-semibold">Drafts</h2>
          {drafts.length === 0 ? <p className="mb-5 text-sm text-zinc-500">Neither run has produced a draft yet.</p> : drafts.map((pair) => <DraftCompare key={pair.stepId} pair={pair} />)}
        </>
      )}
      <PickRuns a={a.id} b={b.id} />
    </>
  );
}
