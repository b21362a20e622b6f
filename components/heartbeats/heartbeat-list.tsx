// A short list of heartbeats (failing and late first) for the Today page and a client's page.
import Link from "next/link";
import { HeartbeatStatus, ResultStrip } from "@/components/heartbeats/heartbeat-bits";
import type { HeartbeatSummary } from "@/lib/heartbeats/heartbeats.schema";

export function HeartbeatList({ items, empty, label }: { items: HeartbeatSummary[]; empty: React.ReactNode; label: string }) {
  if (items.length === 0) return <p className="text-sm text-zinc-500">{empty}</p>;
  return (
    <ul aria-label={label} className="space-y-2 text-sm">
      {items.map((h) => (
        <li key={h.slug} data-heartbeat={h.slug} className="flex flex-wrap items-center justify-between gap-2">
          <Link className="min-w-0 truncate hover:underline" href={`/heartbeats/${h.slug}`}>
            {h.name}
          </Link>
          <span className="flex items-center gap-2">
            <ResultStrip results={h.results.slice(-10)} label={h.name} />
            <HeartbeatStatus item={h} />
          </span>
        </li>
      ))}
    </ul>
  );
}
