import Link from "next/link";
import type { ReactNode } from "react";
import { EmptyState } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDuration, formatUsd } from "@/lib/format";
import { RelativeTime } from "@/components/ui/time";
import { elapsedMs, type WaitingReason } from "@/lib/engine/run-status";

type RunRow = {
  id: string;
  pipelineSlug: string;
  pipelineName: string;
  status: string;
  /** what a waiting run waits for (lib/engine/run-status.ts) */
  waitingFor?: WaitingReason | null;
  trigger: string;
  error: string | null;
  createdAt: Date | string;
  startedAt: Date | string | null;
  finishedAt: Date | string | null;
  createdByLabel: string;
  client: { slug: string; name: string } | null;
  /** set for an ad-hoc tool call (trigger "adhoc"): it has no pipeline */
  call?: { server: string; tool: string } | null;
  /** USD at API prices (lib/spend); a model with no price; a run on a subscription login */
  costUsd?: number | null;
  unpricedModel?: string | null;
  subscription?: boolean;
};

/** The runs list's sort links: the Started and Cost headers (/runs). */
export type RunListSort = { by: "newest" | "cost"; href: (by: "newest" | "cost") => string };

function SortHeader({ label, by, sort }: { label: string; by: "newest" | "cost"; sort?: RunListSort }) {
  if (!sort) return <Th>{label}</Th>;
  const active = sort.by === by;
  return (
    <Th aria-sort={active ? "descending" : "none"}>
      <Link href={sort.href(by)} className={active ? "text-zinc-900 underline dark:text-zinc-100" : "hover:underline"}>
        {label}
        {active ? " ↓" : ""}
      </Link>
    </Th>
  );
}

function CostCell({ run }: { run: RunRow }) {
  return (
    <Td className="text-right tabular-nums">
      {run.costUsd === null ? "unknown" : formatUsd(run.costUsd ?? 0)}
      {run.subscription && <span className="block text-xs text-violet-700 dark:text-violet-300">subscription</span>}
      {run.unpricedModel && (
        <span className="block text-xs text-amber-700 dark:text-amber-300" title={`no price for ${run.unpricedModel}`}>
          no price for {run.unpricedModel}
        </span>
      )}
    </Td>
  );
}

/** What a run is called in lists: its pipeline's name, or the tool an ad-hoc call called. */
export function RunName({ run }: { run: Pick<RunRow, "pipelineName" | "call"> }) {
  if (!run.call) return <>{run.pipelineName}</>;
  return (
    <>
      <span className="mr-1.5 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">ad-hoc call</span>
      <code className="font-mono text-sm">
        {run.call.server}/{run.call.tool}
      </code>
    </>
  );
}

/** Runs as a table; shared by /runs, a pipeline's page, a client's page and Today. */
export function RunList({ runs, empty, showClient = true, showCost = false, sort }: { runs: RunRow[]; empty: ReactNode; showClient?: boolean; showCost?: boolean; sort?: RunListSort }) {
  if (runs.length === 0) return <EmptyState title="No runs">{empty}</EmptyState>;
  return (
    <Table>
      <thead>
        <tr>
          <Th>Run</Th>
          {showClient && <Th>Client</Th>}
          <Th>Status</Th>
          <SortHeader label="Started" by="newest" sort={sort} />
          <Th>Duration</Th>
          {(showCost || sort) && <SortHeader label="Cost" by="cost" sort={sort} />}
          <Th>By</Th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
            <Td>
              <Link href={`/runs/${r.id}`} className="font-medium hover:underline">
                <RunName run={r} />
              </Link>
              {r.error && <p className="line-clamp-1 max-w-md text-xs text-red-700 dark:text-red-400">{r.error}</p>}
            </Td>
            {showClient && (
              <Td>
                {r.client ? (
                  <Link className="hover:underline" href={`/clients/${r.client.slug}`}>
                    {r.client.name}
                  </Link>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Td>
            )}
            <Td>
              <StatusBadge status={r.status} waitingFor={r.waitingFor} />
            </Td>
            <Td>
              <RelativeTime value={r.startedAt ?? r.createdAt} />
            </Td>
            {/* a server component: a run still going is timed up to this render */}
            <Td className="tabular-nums">{formatDuration(elapsedMs(r.startedAt, r.finishedAt, Date.now()))}</Td>
            {(showCost || sort) && <CostCell run={r} />}
            <Td className="text-xs text-zinc-500">{r.trigger === "manual" || r.trigger === "api" || r.trigger === "adhoc" ? r.createdByLabel || r.trigger : r.trigger}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
