"use client";
// Pieces every heartbeat view shares: the status (with "started" while a job runs), the last 30 results
// as a strip, and due times in the heartbeat's timezone and the viewer's.
import { useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";
import { StatusBadge, statusTone } from "@/components/ui/status-badge";
import { formatDuration } from "@/components/ui/format";
import type { HeartbeatSummary } from "@/lib/heartbeats/heartbeats.schema";

/** The result kinds in the strip, mapped onto the one status map's colours and words. */
const RESULT_STATUS: Record<string, string> = { success: "up", fail: "failing", nothing: "skipped", skipped: "paused", missed: "late" };
const RESULT_WORD: Record<string, string> = { success: "success", fail: "failure", nothing: "nothing to do", skipped: "skipped (still running)", missed: "missed" };
const STRIP_COLOUR: Record<string, string> = {
  green: "bg-emerald-500",
  red: "bg-red-500",
  amber: "bg-amber-400",
  zinc: "bg-zinc-300 dark:bg-zinc-600",
  blue: "bg-sky-500",
  violet: "bg-violet-500",
};

export function HeartbeatStatus({ item }: { item: Pick<HeartbeatSummary, "status" | "startedAt"> & { flapping?: boolean } }) {
  const now = useNow();
  const running = item.startedAt && (item.status === "up" || item.status === "new");
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <StatusBadge status={running ? "started" : item.status} />
      {item.startedAt && now !== null && <span className="text-xs text-zinc-500">running {formatDuration(now - Date.parse(item.startedAt))}</span>}
      {item.flapping && (
        <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200" title="It turned failing or late again within an hour of its last alert: alerted once, not again until an hour has passed">
          flapping
        </span>
      )}
    </span>
  );
}

export function ResultStrip({ results, label }: { results: HeartbeatSummary["results"]; label: string }) {
  if (results.length === 0) return <span className="text-xs text-zinc-400">no results yet</span>;
  return (
    <ol aria-label={`Last ${results.length} results of ${label}`} className="flex h-5 items-stretch gap-px">
      {results.map((r, i) => {
        const word = RESULT_WORD[r.kind] ?? r.kind;
        const title = `${word} · ${new Date(r.at).toLocaleString()}${r.message ? ` · ${r.message}` : ""}`;
        return (
          <li key={`${r.at}-${i}`} title={title} data-result={r.kind} className={cn("w-1.5 rounded-sm", STRIP_COLOUR[statusTone(RESULT_STATUS[r.kind] ?? r.kind)], r.kind === "nothing" && "h-2.5 self-end")}>
            <span className="sr-only">{word}</span>
          </li>
        );
      })}
    </ol>
  );
}

function useNow(): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function format(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(iso));
}

/** A due time in the heartbeat's timezone, and below it the viewer's (after mount: the server has no viewer timezone). */
export function DueTime({ iso, timeZone }: { iso: string | null; timeZone: string }) {
  const [viewer, setViewer] = useState<string | null>(null);
  useEffect(() => {
    if (!iso) return;
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    setViewer(own === timeZone ? null : format(iso, own));
  }, [iso, timeZone]);
  if (!iso) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-col leading-tight">
      <time dateTime={iso}>{format(iso, timeZone)}</time>
      {viewer && <span className="text-xs text-zinc-500">{viewer} your time</span>}
    </span>
  );
}
