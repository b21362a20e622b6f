import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { FilterSelect, queryWith } from "@/components/ui/filter";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/session";
import { listClients } from "@/lib/clients/clients";
import { listDrafts } from "@/lib/drafts/drafts";
import { DRAFT_STATUSES, type DraftStatus } from "@/lib/drafts/drafts.schema";
import { listPipelines } from "@/lib/pipelines/load-pipelines";

export const metadata: Metadata = { title: "Drafts" };

type Search = { client?: string; pipeline?: string; status?: string; cursor?: string };

const isStatus = (s?: string): s is DraftStatus => (DRAFT_STATUSES as readonly string[]).includes(s ?? "");

export default async function DraftsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePageUser();
  const q = await searchParams;
  const page = await listDrafts({ status: isStatus(q.status) ? q.status : null, clientSlug: q.client || null, pipeline: q.pipeline || null, cursor: q.cursor || null });
  const [clients, pipelines] = [await listClients({ includeArchived: true }), listPipelines()];
  const filtered = Boolean(q.client || q.pipeline || q.status);
  return (
    <>
      <PageHeader title="Drafts" description="What agents and pipelines wrote, waiting for a human before it leaves the building. Pending first." />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-2" aria-label="Filter drafts">
        <FilterSelect label="Status" name="status" value={q.status} anyLabel="Any status" className="w-36" options={DRAFT_STATUSES.map((st) => ({ value: st, label: st }))} />
        <FilterSelect label="Client" name="client" value={q.client} anyLabel="All clients" className="w-44" options={clients.map((c) => ({ value: c.slug, label: c.name }))} />
        <FilterSelect label="Pipeline" name="pipeline" value={q.pipeline} anyLabel="All pipelines" className="w-44" options={pipelines.map((pl) => ({ value: pl.slug, label: pl.name }))} />
        <button type="submit" className={buttonClass("secondary")}>
          Filter
        </button>
        {filtered && (
          <Link href="/drafts" className="text-sm text-zinc-500 underline">
            Clear
          </Link>
        )}
      </form>
      {page.items.length === 0 ? (
        <EmptyState title={filtered ? "No draft matches these filters" : "No drafts yet"}>
          {filtered ? null : (
            <>
              A draft appears here when a pipeline reaches an approval step.{" "}
              <Link className="underline" href="/pipelines">
                Run a pipeline
              </Link>
              .
            </>
          )}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Draft</Th>
              <Th>Client</Th>
              <Th>Pipeline</Th>
              <Th>Status</Th>
              <Th>Version</Th>
              <Th>Created</Th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((d) => (
              <tr key={d.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                <Td>
                  <Link href={`/drafts/${d.id}`} className="font-medium hover:underline">
                    {d.title}
                  </Link>
                </Td>
                <Td>
                  {d.client ? (
                    <Link className="hover:underline" href={`/clients/${d.client.slug}`}>
                      {d.client.name}
                    </Link>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </Td>
                <Td className="font-mono text-xs">{d.pipelineSlug || "—"}</Td>
                <Td>
                  <StatusBadge status={d.status} />
                </Td>
                <Td className="tabular-nums">v{d.version}</Td>
                <Td>
                  <RelativeTime value={d.createdAt} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <div className="mt-3 flex justify-end gap-2">
        {q.cursor && (
          <Link className={buttonClass("secondary", "sm")} href={`/drafts?${queryWith(q, { cursor: "" })}`}>
            First page
          </Link>
        )}
        {page.nextCursor && (
          <Link className={buttonClass("secondary", "sm")} href={`/drafts?${queryWith(q, { cursor: page.nextCursor })}`}>
            Next page
          </Link>
        )}
      </div>
    </>
  );
}
