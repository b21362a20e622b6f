// One tool call folded open on demand: its badge and duration, the arguments, the error, the result (or,
// when too large to inline, its images and a link to the whole result as JSON). The run page's tool steps
// and an agent step's transcript show calls alike.
import type { ReactNode } from "react";
import { JsonBlock, ToolResult } from "@/components/runs/tool-result";
import { ToolCallBadge } from "@/components/ui/status-badge";
import { formatDuration, formatNumber } from "@/lib/format";

/** The fields of a tool call of GET /api/runs/<id> (lib/engine/run-queries.ts) that it shows. */
export type ToolCallView = {
  id: string;
  server: string;
  tool: string;
  status: string;
  isError: boolean;
  error: string | null;
  durationMs: number | null;
  arguments: unknown;
  result: unknown;
  isTruncated: boolean;
  resultBytes: number;
  resultOmitted: boolean;
  images: unknown[];
};

export function ToolCallDetails({ runId, call, open, kind, className }: { runId: string; call: ToolCallView; open: boolean; kind?: ReactNode; className?: string }) {
  return (
    <details className={className ?? "rounded border border-zinc-200 p-2 text-sm dark:border-zinc-800"} open={open} aria-label={`Tool call ${call.server}/${call.tool}`}>
      <summary className="cursor-pointer">
        {kind && <span className="text-xs text-zinc-500">{kind} </span>}
        <code className="font-mono text-xs">
          {call.server}/{call.tool}
        </code>{" "}
        <ToolCallBadge call={call} /> <span className="text-xs text-zinc-500">{formatDuration(call.durationMs)}</span>
      </summary>
      <div className="mt-2 space-y-2">
        <p className="text-xs text-zinc-500">Arguments</p>
        <JsonBlock value={call.arguments} label="Arguments" />
        {call.error && <p className="text-sm break-words text-red-700 dark:text-red-400">{call.error}</p>}
        {call.result !== null && (
          <>
            <p className="text-xs text-zinc-500">Result{call.isTruncated ? ` (truncated; ${formatNumber(call.resultBytes)} bytes in all)` : ""}</p>
            <ToolResult result={call.result} />
          </>
        )}
        {call.resultOmitted && call.images.length > 0 && <ToolResult result={{ content: call.images }} />}
        {call.resultOmitted && (
          <p className="text-xs text-zinc-500">
            The result is too large to show here ({formatNumber(call.resultBytes)} bytes):{" "}
            <a className="underline" href={`/api/runs/${runId}/tool-calls/${call.id}/result`} target="_blank" rel="noopener">
              open it as JSON
            </a>
            .
          </p>
        )}
      </div>
    </details>
  );
}
