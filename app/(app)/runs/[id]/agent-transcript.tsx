"use client";
// An agent step as a transcript: the rendered prompt, the assistant's text, each tool call with its
// arguments and result (folded when long), each call of the runner's own tools (Read, Bash, a shell
// command, a file change) with its input and output, token usage and the final answer. Its events are fetched a
// page at a time: the latest page first, then only those after the last one seen while the step runs,
// and older pages on demand, so a step with thousands of events stays live and light. Everything is
// rendered as text.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { formatNumber } from "@/lib/format";
import { ToolCallDetails } from "@/components/runs/tool-call-details";
import { BuiltinCallEntry, type BuiltinCallData } from "@/components/runs/builtin-call";
import type { RunView } from "@/components/runs/run-view";

type StepView = RunView["steps"][number];
type EventView = { id: number; type: string; message: string; data: unknown; createdAt: string };
type Page = { items: EventView[]; hasMoreAfter: boolean; hasMoreBefore: boolean };

const FOLD_CHARS = 600;

async function fetchPage(runId: string, stepRowId: string, query: string): Promise<Page> {
  const res = await fetch(`/api/runs/${runId}/steps/${stepRowId}/events?${query}`, { cache: "no-store" });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error ?? `HTTP ${res.status}`);
  return res.json();
}

/** The step's events: the latest page, then forward polling while it runs; older pages on demand. */
function useStepEvents(runId: string, step: StepView) {
  const [older, setOlder] = useState<EventView[]>([]);
  const [hasMoreBefore, setHasMoreBefore] = useState<boolean | null>(null);
  const live = step.status === "running" || step.status === "pending";
  const query = useQuery({
    queryKey: ["step-events", runId, step.runStepId],
    queryFn: async ({ client, queryKey }): Promise<EventView[]> => {
      const seen = client.getQueryData<EventView[]>(queryKey) ?? [];
      if (seen.length === 0) {
        const page = await fetchPage(runId, step.runStepId, "");
        setHasMoreBefore(page.hasMoreBefore);
        return page.items;
      }
      // follow: every event after the last one seen, however many arrived since the last poll
      let events = seen;
      for (let i = 0; i < 20; i++) {
        const page = await fetchPage(runId, step.runStepId, `after=${events.at(-1)?.id ?? 0}`);
        events = [...events, ...page.items];
        if (!page.hasMoreAfter) break;
      }
      return events;
    },
    refetchInterval: live ? 1000 : false,
  });
  // the step's last events (its answer) are written just before it ends: fetch once more when it does
  const { refetch } = query;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the status is the trigger, not an input
  useEffect(() => {
    void refetch();
  }, [step.status, refetch]);
  const loadOlder = async () => {
    const first = older[0]?.id ?? query.data?.[0]?.id;
    if (first === undefined) return;
    const page = await fetchPage(runId, step.runStepId, `before=${first}`);
    setOlder((o) => [...page.items, ...o]);
    setHasMoreBefore(page.hasMoreBefore);
  };
  return { events: [...older, ...(query.data ?? [])], hasMoreBefore: hasMoreBefore === true, loadOlder, error: query.error };
}

function Folded({ text, label }: { text: string; label: string }) {
  if (text.length <= FOLD_CHARS) return <p className="text-sm break-words whitespace-pre-wrap">{text}</p>;
  return (
    <details>
      <summary className="cursor-pointer text-sm break-words whitespace-pre-wrap">
        {text.slice(0, FOLD_CHARS)}… <span className="text-xs text-zinc-500">({formatNumber(text.length)} characters; show all)</span>
      </summary>
      <p aria-label={label} className="mt-1 text-sm break-words whitespace-pre-wrap">
        {text}
      </p>
    </details>
  );
}

function textOf(data: unknown): string {
  return typeof data === "object" && data !== null && typeof (data as { text?: unknown }).text === "string" ? (data as { text: string }).text : "";
}

function usageLine(u: Partial<Record<"inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "reasoningTokens", number>>): string {
  const parts = [`${formatNumber(u.inputTokens ?? 0)} in`, `${formatNumber(u.outputTokens ?? 0)} out`];
  if (u.cacheReadTokens) parts.push(`${formatNumber(u.cacheReadTokens)} cache read`);
  if (u.cacheWriteTokens) parts.push(`${formatNumber(u.cacheWriteTokens)} cache write`);
  if (u.reasoningTokens) parts.push(`${formatNumber(u.reasoningTokens)} reasoning`);
  return parts.join(" · ");
}

type Entry = { at: number; key: string; node: ReactNode };

function ToolCallEntry({ runId, call }: { runId: string; call: StepView["toolCalls"][number] }) {
  // a short result of a call that did not succeed is shown unfolded: it is what the reader looks for
  const isShort = call.result === null || JSON.stringify(call.result).length < FOLD_CHARS;
  return <ToolCallDetails runId={runId} call={call} open={isShort && call.status !== "succeeded"} kind="Tool call" />;
}

export function AgentTranscript({ runId, step }: { runId: string; step: StepView }) {
  const { events, hasMoreBefore, loadOlder, error } = useStepEvents(runId, step);
  const entries: Entry[] = [];
  for (const e of events) {
    const at = new Date(e.createdAt).getTime();
    const key = `e${e.id}`;
    if (e.type === "prompt") {
      entries.push({
        at,
        key,
        node: (
          <div className="rounded bg-zinc-50 p-2 dark:bg-zinc-950">
            <p className="text-xs text-zinc-500">Prompt</p>
            <Folded text={textOf(e.data)} label="Prompt" />
          </div>
        ),
      });
    } else if (e.type === "text") {
      entries.push({
        at,
        key,
        node: (
          <div>
            <p className="text-xs text-zinc-500">Assistant</p>
            <Folded text={textOf(e.data)} label="Assistant text" />
          </div>
        ),
      });
    } else if (e.type === "usage") {
      entries.push({ at, key, node: <p className="text-xs text-zinc-500">Tokens: {usageLine((e.data ?? {}) as Record<string, number>)}</p> });
    } else if (e.type === "answer") {
      entries.push({
        at,
        key,
        node: (
          <div className="rounded border border-emerald-200 p-2 dark:border-emerald-900">
            <p className="text-xs text-zinc-500">Final answer</p>
            <Folded text={textOf(e.data)} label="Final answer" />
          </div>
        ),
      });
    } else if (e.type === "builtin") {
      entries.push({ at, key, node: <BuiltinCallEntry data={(e.data ?? {}) as BuiltinCallData} /> });
    } else if (e.type === "log") {
      entries.push({ at, key, node: <p className="font-mono text-xs text-zinc-500">{e.message}</p> });
    }
  }
  for (const call of step.toolCalls) entries.push({ at: new Date(call.startedAt).getTime(), key: `c${call.id}`, node: <ToolCallEntry runId={runId} call={call} /> });
  entries.sort((a, b) => a.at - b.at);
  const agent = step.agent;
  return (
    <section aria-label={`Transcript of ${step.id}`} className="mt-3 space-y-2">
      <p className="text-xs text-zinc-500">
        {agent?.runner ?? "agent"}
        {agent?.model ? ` · ${agent.model}` : ""}
        {agent?.turns ? ` · ${agent.turns} turn${agent.turns === 1 ? "" : "s"}` : ""} · <span aria-label="Step tokens">{usageLine(step.usage)}</span>
      </p>
      {hasMoreBefore && (
        <Button size="sm" variant="secondary" onClick={() => void loadOlder()}>
          Show earlier events
        </Button>
      )}
      {error && <p className="text-xs text-red-700 dark:text-red-400">Transcript updates paused: {error.message}</p>}
      {entries.length === 0 ? <p className="text-sm text-zinc-500">Nothing yet.</p> : entries.map((e) => <div key={e.key}>{e.node}</div>)}
    </section>
  );
}
