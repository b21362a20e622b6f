import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/card";
import { buttonClass } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { FilterSelect, queryWith } from "@/components/ui/filter";
import { RunList } from "@/components/runs/run-list";
import { requirePageUser } from "@/lib/auth/session";
import { listClients } from "@/lib/clients/clients";
import { listRunsQuery, RUN_STATUSES } from "@/lib/engine/engine.schema";
import { listRuns } from "@/lib/engine/run-list";
import { listPipelines } from "@/lib/pipelines/load-pipelines";

export const metadata: Metadata = { title: "Runs" };

type Search = { client?: string; pipeline?: string; status?: string; from?: string; to?: string; cursor?: string; sort?: string };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePageUser();
  const q = await searchParams;
  // the same reading of the filters as GET /api/runs (a `to` day is included, UTC: lib/engine/run-dates.ts)
  const page = await listRuns(listRunsQuery(new URLSearchParams(queryWith(q)), { lenient: true }));
  const [clients, pipelines] = [await listClients({ includeArchived: true }), listPipelines()];
  const filtered = Boolean(q.client || q.pipeline || q.status || q.from || q.to);
  return (
    <>
      <PageHeader
        title="Runs"
        description={`Every run, ${q.sort === "cost" ? "most expensive first (USD at API prices)" : "newest first"}. Filter by client, pipeline, status and day (days are UTC, both ends included).`}
        actions={
          <Link className={buttonClass("secondary", "sm")} href="/runs/compare">
            Compare two runs
          </Link>
        }
      />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-2" aria-label="Filter runs">
        <FilterSelect label="Client" name="client" value={q.client} anyLabel="All clients" className="w-44" options={clients.map((c) => ({ value: c.slug, label: c.name }))} />
        <FilterSelect label="Pipeline" name="pipeline" value={q.pipeline} anyLabel="All pipelines" className="w-44" options={pipelines.map((pl) => ({ value: pl.slug, label: pl.name }))} />
        <FilterSelect label="Status" name="status" value={q.status} anyLabel="Any status" className="w-36" options={RUN_STATUSES.map((st) => ({ value: st, label: st }))} />
        <label className="text-xs text-zinc-500">
          From
          <Input type="date" name="from" defaultValue={q.from ?? ""} className="w-40" />
        </label>
        <label className="text-xs text-zinc-500">
          To
          <Input type="date" name="to" defaultValue={q.to ?? ""} className="w-40" />
        </label>
        {q.sort === "cost" && <input type="hidden" name="sort" value="cost" />}
        <button type="submit" className={buttonClass("secondary")}>
          Filter
        </button>
        {filtered && (
          <Link href="/runs" className="text-sm text-zinc-500 underline">
            Clear
          </Link>
        )}
      </form>
      <RunList
        runs={page.items}
        sort={{ by: q.sort === "cost" ? "cost" : "newest", href: (by) => `/runs?${queryWith(q, { sort: by === "cost" ? "cost" : "", cursor: "" })}` }}
        empty={
          filtered ? (
            <>No run matches these filters.</>
          ) : (
            <>
              Runs appear here once you run a pipeline.{" "}
              <Link className="underline" href="/pipelines">
                Choose a pipeline
              </Link>
              .
            </>
          )
        }
      />
      <div className="mt-3 flex justify-end gap-2">
        {q.cursor && (
          <Link className={buttonClass("secondary", "sm")} href={`/runs?${queryWith(q, { cursor: "" })}`}>
            {q.sort === "cost" ? "Most expensive" : "Newest"}
          </Link>
        )}
        {page.nextCursor && (
          <Link className={buttonClass("secondary", "sm")} href={`/runs?${queryWith(q, { cursor: page.nextCursor })}`}>
            {q.sort === "cost" ? "Cheaper runs" : "Older runs"}
          </Link>
        )}
      </div>
    </>
  );
}
