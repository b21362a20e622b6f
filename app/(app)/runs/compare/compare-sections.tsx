// The parts of /runs/compare: the two runs' figures side by side, each agent step's pair, each draft's pair.
import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { formatDuration, formatNumber, formatUsd } from "@/lib/format";
import { StatusBadge, ToolCallBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { CompareSide, RunComparison } from "@/lib/engine/run-compare";
import { WordDiffView } from "./word-diff-view";

type Sides = { a: CompareSide; b: CompareSide };

function Row({ label, a, b }: { label: string; a: ReactNode; b: ReactNode }) {
  return (
    <tr>
      <th scope="row" className="border-b border-zinc-100 px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:border-zinc-800">
        {label}
      </th>
      <Td>{a}</Td>
      <Td>{b}</Td>
    </tr>
  );
}

const runners = (side: CompareSide) => [...new Set(side.agentSteps.map((s) => [s.runner ?? "—", s.model].filter(Boolean).join(" · ")))].join(", ") || "no agent steps";

export function SummaryTable({ a, b }: Sides) {
  const tokens = (side: CompareSide, key: Exclude<keyof CompareSide["usage"], "costUsd">) => formatNumber(side.usage[key]);
  return (
    <Table className="mb-5">
      <thead>
        <tr>
          <Th className="w-44">
            <span className="sr-only">Figure</span>
          </Th>
          <Th>Run A</Th>
          <Th>Run B</Th>
        </tr>
      </thead>
      <tbody aria-label="Runs side by side">
        <Row label="Run" a={<RunLink side={a} />} b={<RunLink side={b} />} />
        <Row label="Pipeline" a={a.pipelineName} b={b.pipelineName} />
        <Row label="Client" a={a.client?.name ?? "—"} b={b.client?.name ?? "—"} />
        <Row label="Runner" a={runners(a)} b={runners(b)} />
        <Row label="Status" a={<StatusBadge status={a.status} />} b={<StatusBadge status={b.status} />} />
        <Row label="Wall time" a={a.wallMs === null ? "not finished" : formatDuration(a.wallMs)} b={b.wallMs === null ? "not finished" : formatDuration(b.wallMs)} />
        <Row label="Input tokens" a={tokens(a, "inputTokens")} b={tokens(b, "inputTokens")} />
        <Row label="Output tokens" a={tokens(a, "outputTokens")} b={tokens(b, "outputTokens")} />
        <Row label="Cache read tokens" a={tokens(a, "cacheReadTokens")} b={tokens(b, "cacheReadTokens")} />
        <Row label="Cache write tokens" a={tokens(a, "cacheWriteTokens")} b={tokens(b, "cacheWriteTokens")} />
        <Row label="Reasoning tokens" a={tokens(a, "reasoningTokens")} b={tokens(b, "reasoningTokens")} />
        <Row label="Cost" a={a.usage.costUsd === null ? "unknown (no price)" : formatUsd(a.usage.costUsd)} b={b.usage.costUsd === null ? "unknown (no price)" : formatUsd(b.usage.costUsd)} />
        <Row label="Agent tool calls" a={formatNumber(a.agentSteps.reduce((n, s) => n + s.toolCalls.length, 0))} b={formatNumber(b.agentSteps.reduce((n, s) => n + s.toolCalls.length, 0))} />
      </tbody>
    </Table>
  );
}

function RunLink({ side }: { side: CompareSide }) {
  return (
    <span className="flex flex-wrap items-center gap-x-2">
      <Link className="font-mono text-xs underline" href={`/runs/${side.id}`}>
        {side.id}
      </Link>
      <span className="text-xs text-zinc-500">{side.trigger}</span>
    </span>
  );
}

type AgentPair = RunComparison["agentSteps"][number];
type AgentSide = NonNullable<AgentPair["a"]>;

function AgentSideView({ side, label }: { side: AgentSide | null; label: "A" | "B" }) {
  if (!side) return <p className="text-sm text-zinc-500">Run {label} has no such step.</p>;
  return (
    <div className="space-y-2 text-sm" aria-label={`Run ${label} agent`}>
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{side.runner ?? "—"}</span>
        <span className="text-xs text-zinc-500">{side.model ?? "default model"}</span>
        <StatusBadge status={side.status} />
      </p>
      <p className="text-xs text-zinc-500">
        {side.turns ?? "—"} turn{side.turns === 1 ? "" : "s"} · {formatDuration(side.durationMs)} · {formatNumber(side.usage.inputTokens)} in · {formatNumber(side.usage.outputTokens)} out ·{" "}
        {formatUsd(side.usage.costUsd)}
      </p>
      {side.error && <p className="break-words text-red-700 dark:text-red-400">{side.error}</p>}
      <p className="text-xs text-zinc-500">
        {side.toolCalls.length} tool call{side.toolCalls.length === 1 ? "" : "s"}
      </p>
      {side.toolCalls.length > 0 && (
        <ol aria-label={`Run ${label} tool calls`} className="space-y-1">
          {side.toolCalls.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-2">
              <code className="font-mono text-xs">
                {c.server}/{c.tool}
              </code>
              <ToolCallBadge call={c} />
              {c.error && <span className="break-words text-xs text-red-700 dark:text-red-400">{c.error}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function AgentStepCompare({ pair }: { pair: AgentPair }) {
  return (
    <Card
      title={
        <>
          Agent step <code className="font-mono">{pair.stepId}</code>
        </>
      }
      className="mb-5"
    >
      <div aria-label={`Agent step ${pair.stepId}`} className="space-y-4">
        <div className="grid gap-4 md:grid-cols-2">
          <AgentSideView side={pair.a} label="A" />
          <AgentSideView side={pair.b} label="B" />
        </div>
        <div>
          <p className="mb-1 text-xs font-medium">Final text</p>
          {pair.textDiff && pair.a?.text != null && pair.b?.text != null ? (
            <WordDiffView diff={pair.textDiff} a={pair.a.text} b={pair.b.text} label={`Final text of ${pair.stepId}`} />
          ) : (
            <p className="text-sm text-zinc-500">Only a step that succeeded in both runs has a final text to compare.</p>
          )}
        </div>
      </div>
    </Card>
  );
}

type DraftPair = RunComparison["drafts"][number];

export function DraftCompare({ pair }: { pair: DraftPair }) {
  const link = (d: DraftPair["a"], label: string) =>
    d ? (
      <span className="flex items-center gap-2">
        <Link className="underline" href={`/drafts/${d.id}`}>
          Draft of run {label}
        </Link>{" "}
        <StatusBadge status={d.status} />
        <span className="text-xs text-zinc-500">version {d.version}</span>
      </span>
    ) : (
      <span className="text-zinc-500">Run {label} has no draft here.</span>
    );
  return (
    <Card
      title={
        <>
          Draft of step <code className="font-mono">{pair.stepId}</code>
        </>
      }
      className="mb-5"
    >
      <div aria-label={`Draft ${pair.stepId}`} className="space-y-3">
        <div className="grid gap-4 text-sm md:grid-cols-2">
          {link(pair.a, "A")}
          {link(pair.b, "B")}
        </div>
        {pair.a && pair.b && pair.titleDiff && pair.bodyDiff ? (
          <>
            <WordDiffView diff={pair.titleDiff} a={pair.a.title} b={pair.b.title} label={`Draft title of ${pair.stepId}`} />
            <WordDiffView diff={pair.bodyDiff} a={pair.a.body} b={pair.b.body} label={`Draft body of ${pair.stepId}`} />
          </>
        ) : (
          <p className="text-sm text-zinc-500">Only one run produced this draft, so there is nothing to diff.</p>
        )}
      </div>
    </Card>
  );
}
