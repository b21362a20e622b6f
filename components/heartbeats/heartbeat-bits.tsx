"use client";
// Pieces every heartbeat view shares: the status (with "started" while a job runs), the last 30 results
// as a strip, and due times in the heartbeat's timezone and the viewer's.
import { heartbeatEvent } from "@/components/heartbeats/heartbeat-events";
import { cn } from "@/components/ui/cn";
import { StatusBadge, statusTone } from "@/components/ui/status-badge";
import { localDateTime, useMounted, useNow, useViewerTimeZone } from "@/components/ui/time";
import { elapsedMs } from "@/lib/engine/run-status";
import { formatDuration, formatInZone } from "@/lib/format";
import type { HeartbeatSummary } from "@/lib/heartbeats/heartbeats.schema";

const STRIP_COLOUR: Record<string, string> = {
  green: "bg-emerald-500",
  red: "bg-red-500",
  amber: "bg-amber-400",
  zinc: "bg-zinc-300 dark:bg-zinc-600",
  blue: "bg-sky-500",
  violet: "bg-violet-500",
};

export function HeartbeatStatus({ item }: { item: Pick<HeartbeatSummary, "status" | "startedAt"> & { flapping?: boolean } }) {
  const now = useNow(1_000);
  const running = item.startedAt && (item.status === "up" || item.status === "new");
  const runningFor = elapsedMs(item.startedAt, null, now);
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <StatusBadge status={running ? "started" : item.status} />
      {runningFor !== null && <span className="text-xs text-zinc-500">running {formatDuration(runningFor)}</span>}
      {item.flapping && (
        <span
          className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200"
          title="It turned failing or late again within an hour of its last alert: alerted once, not again until an hour has passed"
        >
          flapping
        </span>
      )}
    </span>
  );
}

export function ResultStrip({ results, label }: { results: HeartbeatSummary["results"]; label: string }) {
  const mounted = useMounted();
  if (results.length === 0) return <span className="text-xs text-zinc-400">no results yet</span>;
  return (
    <ol aria-label={`Last ${results.length} results of ${label}`} className="flex h-5 items-stretch gap-px">
      {results.map((r, i) => {
        const { word, status } = heartbeatEvent(r.kind);
        const title = `${word} · ${localDateTime(r.at, mounted)}${r.message ? ` · ${r.message}` : ""}`;
        return (
          <li key={`${r.at}-${i}`} title={title} data-result={r.kind} className={cn("w-1.5 rounded-sm", STRIP_COLOUR[statusTone(status)], r.kind === "nothing" && "h-2.5 self-end")}>
            <span className="sr-only">{word}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** A due time in the heartbeat's timezone, and below it the viewer's (after mount: the server has no viewer timezone). */
export function DueTime({ iso, timeZone }: { iso: string | null; timeZone: string }) {
  const own = useViewerTimeZone();
  if (!iso) return <span className="text-zinc-400">—</span>;
  const viewer = own && own !== timeZone ? formatInZone(iso, own) : null;
  return (
    <span className="flex flex-col leading-tight">
      <time dateTime={iso}>{formatInZone(iso, timeZone)}</time>
      {viewer && <span className="text-xs text-zinc-500">{viewer} your time</span>}
    </span>
  );
}
