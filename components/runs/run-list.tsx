import Link from "next/link";
import type { ReactNode } from "react";
import { EmptyState } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDuration } from "@/components/ui/format";
import { RelativeTime } from "@/components/ui/time";

export type RunRow = {
  id: string;
  pipelineSlug: string;
  pipelineName: string;
  status: string;
  trigger: string;
  error: string | null;
  createdAt: Date | string;
  startedAt: Date | string | null;
  finishedAt: Date | string | null;
  createdByLabel: string;
  client: { slug: string; name: string } | null;
  /** set for an ad-hoc tool call (trigger "adhoc"): it has no pipeline */
  call?: { server: string; tool: string } | null;
};

/** What a run is called in lists: its pipeline's name, or the tool an ad-hoc call called. */
export function RunName({ run }: { run: Pick<RunRow, "pipelineName" | "call"> }) {
  if (!run.call) return <>{run.pipelineName}</>;
  return (
    <>
      <span className="mr-1.5 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">ad-hoc call</span>
      <code className="font-mono text-sm">{run.call.server}/{run.call.tool}</code>
    </>
  );
}

function duration(r: RunRow): number | null {
  if (!r.startedAt) return null;
  const end = r.finishedAt ? new Date(r.finishedAt).getTime() : Date.now();
  return end - new Date(r.startedAt).getTime();
}

/** Runs as a table; shared by /runs, a pipeline's page, a client's page and Today. */
export function RunList({ runs, empty, showClient = true }: { runs: RunRow[]; empty: ReactNode; showClient?: boolean }) {
  if (runs.length === 0) return <EmptyState title="No runs">{empty}</EmptyState>;
  return (
    <Table>
      <thead>
        <tr>
          <Th>Run</Th>
          {showClient && <Th>Client</Th>}
          <Th>Status</Th>
          <Th>Started</Th>
          <Th>Duration</Th>
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
            {showClient && <Td>{r.client ? <Link className="hover:underline" href={`/clients/${r.client.slug}`}>{r.client.name}</Link> : <span className="text-zinc-400">—</span>}</Td>}
            <Td><StatusBadge status={r.status} /></Td>
            <Td><RelativeTime value={r.startedAt ?? r.createdAt} /></Td>
            <Td className="tabular-nums">{formatDuration(duration(r))}</Td>
            <Td className="text-xs text-zinc-500">{r.trigger === "manual" || r.trigger === "api" || r.trigger === "adhoc" ? r.createdByLabel || r.trigger : r.trigger}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
