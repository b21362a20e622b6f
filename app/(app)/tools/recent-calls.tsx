// The latest ad-hoc calls made here (and through the API), each with its arguments and result.
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatDuration, formatNumber } from "@/lib/format";
import { RelativeTime } from "@/components/ui/time";
import { JsonBlock, ToolResult } from "@/components/runs/tool-result";
import type { Serialized } from "@/components/serialized";
import type { AdHocCallItem } from "@/lib/engine/adhoc-calls";

export function RecentCalls({ calls }: { calls: Serialized<AdHocCallItem>[] }) {
  return (
    <Card title="Recent ad-hoc calls">
      {calls.length === 0 ? (
        <p className="text-sm text-zinc-500">No tool has been called from here yet. Open a tool below and call it; each call is kept with its result and listed on Runs.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Recent ad-hoc calls">
          {calls.map((c) => (
            <li key={c.id} className="py-2 text-sm" aria-label={`Ad-hoc call ${c.call?.server}/${c.call?.tool}`}>
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-2">
                  <code className="font-mono">
                    {c.call?.server}/{c.call?.tool}
                  </code>
                  <StatusBadge status={c.status} />
                  <span className="text-xs text-zinc-500">
                    <RelativeTime value={c.createdAt} /> by {c.createdByLabel || "someone"}
                    {c.toolCall?.durationMs != null ? ` · ${formatDuration(c.toolCall.durationMs)}` : ""}
                  </span>
                  <Link className="ml-auto text-xs underline" href={`/runs/${c.id}`}>
                    Open
                  </Link>
                </summary>
                <div className="mt-2 space-y-2">
                  {c.toolCall?.arguments != null && <JsonBlock value={c.toolCall.arguments} label="Arguments" />}
                  {c.error && <p className="text-red-700 dark:text-red-400">{c.error}</p>}
                  {c.toolCall?.result && <ToolResult result={c.toolCall.result} />}
                  {c.toolCall?.resultOmitted && <p className="text-xs text-zinc-500">The result is too large to show here ({formatNumber(c.toolCall.resultBytes)} bytes); open the call to see it.</p>}
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
