"use client";
// The board: every heartbeat with its status, last signal, next due time and last 30 results. It polls
// GET /api/heartbeats, so a ping turns a heartbeat up without a reload.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { EmptyState } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { DueTime, HeartbeatStatus, ResultStrip } from "@/components/heartbeats/heartbeat-bits";
import { queryKeys } from "@/components/query-keys";
import type { HeartbeatSummary } from "@/lib/heartbeats/heartbeats.schema";
import { HeartbeatActions } from "./heartbeat-actions";

type Listing = { items: HeartbeatSummary[]; errors: string[] };

export function HeartbeatBoard({ initial }: { initial: Listing }) {
  const { data } = useQuery({
    queryKey: queryKeys.heartbeats(),
    queryFn: async (): Promise<Listing> => {
      const res = await fetch("/api/heartbeats", { cache: "no-store" });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return (await res.json()) as Listing;
    },
    initialData: initial,
    refetchInterval: 3_000,
  });
  const { items, errors } = data;
  return (
    <div className="space-y-4">
      {errors.length > 0 && (
        <div aria-label="Heartbeat file errors" className="space-y-1">
          <p className="text-sm font-medium">These heartbeats cannot run until their files are fixed (the others keep running):</p>
          {errors.map((e) => (
            <FormError key={e} message={e} />
          ))}
        </div>
      )}
      {items.length === 0 ? (
        <EmptyState title="No heartbeats yet">
          Add a <code className="font-mono">schedule:</code> block to a pipeline (<code className="font-mono">cron: &quot;0 2 * * *&quot;</code>, <code className="font-mono">timezone</code>,{" "}
          <code className="font-mono">grace</code>) to run it on a schedule, or list jobs that run elsewhere and only ping in <code className="font-mono">heartbeats.yaml</code> in the workspace.{" "}
          <Link className="underline" href="/pipelines">
            See the pipelines
          </Link>
          .
        </EmptyState>
      ) : (
        <>
          <HeartbeatCards items={items} />
          <Table className="max-md:hidden">
            <thead>
              <tr>
                <Th>Heartbeat</Th>
                <Th>Status</Th>
                <Th>Last signal</Th>
                <Th>Next due</Th>
                <Th>Last results</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {items.map((h) => (
                <tr key={h.slug} data-heartbeat={h.slug}>
                  <Td>
                    <Link className="font-medium hover:underline" href={`/heartbeats/${h.slug}`}>
                      {h.name}
                    </Link>
                    <div className="text-xs text-zinc-500">
                      <span className="font-mono">{h.schedule}</span> · {h.timezone}
                      {h.kind === "ping" ? " · pings" : " · pipeline"}
                      {h.client && (
                        <>
                          {" "}
                          ·{" "}
                          <Link className="hover:underline" href={`/clients/${h.client}`}>
                            {h.client}
                          </Link>
                        </>
                      )}
                    </div>
                  </Td>
                  <Td>
                    <HeartbeatStatus item={h} />
                    {h.lastError && (
                      <div className="mt-1 max-w-64 truncate text-xs text-red-700 dark:text-red-400" title={h.lastError}>
                        {h.lastError}
                      </div>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap">
                    <RelativeTime value={h.lastSignalAt} />
                  </Td>
                  <Td className="whitespace-nowrap">
                    <DueTime iso={h.nextDueAt} timeZone={h.timezone} />
                  </Td>
                  <Td>
                    <ResultStrip results={h.results} label={h.name} />
                  </Td>
                  <Td className="text-right">
                    <HeartbeatActions slug={h.slug} name={h.name} paused={h.status === "paused"} canRun={h.kind === "pipeline"} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </div>
  );
}

/** On a phone the board is a list of cards, one per heartbeat: the same facts and actions, no sideways scrolling. */
function HeartbeatCards({ items }: { items: HeartbeatSummary[] }) {
  return (
    <ul aria-label="Heartbeats" className="space-y-3 md:hidden">
      {items.map((h) => (
        <li key={h.slug} data-heartbeat-card={h.slug} className="relative rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
          <div className="flex flex-wrap items-center justify-between gap-x-2">
            <Link className="inline-flex min-h-11 min-w-0 items-center font-medium break-words hover:underline" href={`/heartbeats/${h.slug}`}>
              {h.name}
            </Link>
            <HeartbeatStatus item={h} />
          </div>
          <div className="text-xs break-words text-zinc-500">
            <span className="font-mono">{h.schedule}</span> · {h.timezone}
            {h.kind === "ping" ? " · pings" : " · pipeline"}
            {h.client && <> · {h.client}</>}
          </div>
          {h.lastError && (
            <p className="mt-1 line-clamp-3 text-xs break-words text-red-700 dark:text-red-400" title={h.lastError}>
              {h.lastError}
            </p>
          )}
          <dl className="mt-2 grid grid-cols-2 gap-2 text-sm">
            <div>
              <dt className="text-xs text-zinc-500">Last signal</dt>
              <dd>
                <RelativeTime value={h.lastSignalAt} />
              </dd>
            </div>
            <div>
              <dt className="text-xs text-zinc-500">Next due</dt>
              <dd>
                <DueTime iso={h.nextDueAt} timeZone={h.timezone} />
              </dd>
            </div>
          </dl>
          <div className="mt-2">
            <ResultStrip results={h.results} label={h.name} />
          </div>
          <div className="mt-2">
            <HeartbeatActions slug={h.slug} name={h.name} paused={h.status === "paused"} canRun={h.kind === "pipeline"} />
          </div>
        </li>
      ))}
    </ul>
  );
}
