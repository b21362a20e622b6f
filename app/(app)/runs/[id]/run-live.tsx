"use client";
// The live run page: polls GET /api/runs/<id> every second while the run is active (TanStack Query),
// and shows steps as a timeline with each tool call's arguments and result.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { FormError } from "@/components/ui/field";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatDuration, formatNumber } from "@/lib/format";
import { ClockTime, RelativeTime, useNow } from "@/components/ui/time";
import { ToolCallDetails } from "@/components/runs/tool-call-details";
import { JsonBlock } from "@/components/runs/tool-result";
import { StepTaskLine } from "@/components/runs/step-task";
import { queryKeys } from "@/components/query-keys";
import type { RunView } from "@/components/runs/run-view";
import { elapsedMs, isActiveRunStatus, WAITING_LABELS } from "@/lib/engine/run-status";
import { InputRequestForm } from "@/components/runs/input-request-form";
import { answerInputAction, cancelRunAction, resolveOutcomeAction, retryRunAction } from "../actions";
import { AgentTranscript } from "./agent-transcript";
import { RerunCard, RerunNotice } from "./rerun-form";
import { RunCost, StepCost } from "@/components/spend/cost";

type StepView = RunView["steps"][number];

const LOG_KEEP = 1_000;
const sentence = (label: string) => label.charAt(0).toUpperCase() + label.slice(1);

function useRun(initial: RunView) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.run(initial.id),
    // only the events after the last one seen: a run with thousands of events keeps updating
    queryFn: async (): Promise<RunView> => {
      const seen = queryClient.getQueryData<RunView>(queryKeys.run(initial.id)) ?? initial;
      const res = await fetch(`/api/runs/${initial.id}?afterEventId=${seen.lastEventId}`, { cache: "no-store" });
      if (!res.ok) throw new Error((await res.json().catch(() => null))?.error ?? `HTTP ${res.status}`);
      const next = (await res.json()) as RunView;
      return { ...next, events: [...seen.events, ...next.events].slice(-LOG_KEEP) };
    },
    initialData: initial,
    refetchInterval: (query) => (isActiveRunStatus(query.state.data?.status ?? "") ? 1000 : false),
  });
}

/** `rerun`: the runners (and whether a model) this viewer may run a finished run again on (lib/engine/rerun.ts). */
export function RunLive({ initial, rerun }: { initial: RunView; rerun: { runners: readonly string[]; model: boolean } }) {
  const { data: run, error } = useRun(initial);
  const queryClient = useQueryClient();
  const [actionError, setActionError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.run(run.id) });
  const latest = run.steps.filter((s) => s.isLatestAttempt);
  const now = useNow(1_000);
  const total = elapsedMs(run.startedAt, run.finishedAt, now);
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {run.call ? (
              <span>
                Ad-hoc call of{" "}
                <code className="font-mono">
                  {run.call.server}/{run.call.tool}
                </code>
              </span>
            ) : (
              run.pipelineName
            )}{" "}
            <StatusBadge status={run.status} waitingFor={run.waitingFor} />
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-3">
            {/* an ad-hoc call has no pipeline page: it was made on /tools */}
            {run.call ? (
              <Link className="hover:underline" href="/tools">
                Tools
              </Link>
            ) : (
              <Link className="hover:underline" href={`/pipelines/${run.pipelineSlug}`}>
                {run.pipelineSlug}
              </Link>
            )}
            {run.client && (
              <Link className="hover:underline" href={`/clients/${run.client.slug}`}>
                {run.client.name}
              </Link>
            )}
            <span>
              queued <RelativeTime value={run.createdAt} /> by {run.createdByLabel || run.trigger}
            </span>
            {total !== null && <span>took {formatDuration(total)}</span>}
          </span>
        }
        actions={
          <>
            {isActiveRunStatus(run.status) && (
              <span className="text-xs text-zinc-500" role="status" aria-live="polite">
                {run.status === "waiting" ? sentence(WAITING_LABELS[run.waitingFor ?? "approval"]) : run.status === "queued" ? "Waiting for a worker…" : "Running… updating live"}
              </span>
            )}
            {run.canCancel && (
              <ConfirmButton
                label="Cancel run"
                title="Cancel this run?"
                description="The running step is stopped; steps that have not started will not run. You can retry it later."
                confirmLabel="Cancel run"
                onConfirm={async () => {
                  const r = await cancelRunAction({ id: run.id });
                  setActionError(r.ok ? null : r.error);
                  await refresh();
                }}
              />
            )}
            {run.canRetry && (
              <Button
                size="sm"
                onClick={async () => {
                  const r = await retryRunAction({ id: run.id });
                  setActionError(r.ok ? null : r.error);
                  await refresh();
                }}
              >
                Retry from failed step
              </Button>
            )}
          </>
        }
      />
      <FormError message={actionError ?? (error ? `Live updates paused: ${error.message}` : null)} />
      <RerunNotice run={run} />
      {run.error && <p className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">{run.error}</p>}
      <div className="grid gap-5 lg:grid-cols-[2fr_1fr]">
        <section aria-label="Steps" className="min-w-0 space-y-3">
          {latest.map((step) => (
            <StepCard key={step.runStepId} run={run} step={step} history={run.steps.filter((s) => s.id === step.id && !s.isLatestAttempt)} onChange={refresh} setError={setActionError} />
          ))}
        </section>
        <div className="min-w-0 space-y-5">
          <Card title="Inputs">
            {run.inputs && typeof run.inputs === "object" && Object.keys(run.inputs).length > 0 ? (
              <dl className="space-y-1 text-sm">
                {Object.entries(run.inputs as Record<string, unknown>).map(([k, v]) => (
                  <div key={k}>
                    <dt className="text-xs text-zinc-500">{k}</dt>
                    <dd className="break-words">{String(v)}</dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="text-sm text-zinc-500">No inputs.</p>
            )}
          </Card>
          <RerunCard run={run} runners={rerun.runners} canPickModel={rerun.model} />
          <Card title="Usage">
            <RunCost usage={run.usage} />
          </Card>
          <Card title="Log">
            {run.events.length === 0 ? (
              <p className="text-sm text-zinc-500">Nothing logged yet.</p>
            ) : (
              <ol className="max-h-96 space-y-1 overflow-auto font-mono text-xs" aria-label="Run log">
                {run.events.map((e) => (
                  <li key={e.id} className="break-words">
                    <span className="text-zinc-400">
                      <ClockTime value={e.createdAt} />
                    </span>{" "}
                    <span className="text-zinc-500">{e.type}</span> {e.message}
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

function StepCard({ run, step, history, onChange, setError }: { run: RunView; step: StepView; history: StepView[]; onChange: () => Promise<void>; setError: (e: string | null) => void }) {
  const ms = elapsedMs(step.startedAt, step.finishedAt, useNow(1_000));
  const marker = step.waitingFor === "outcome-unknown" ? step.error : null;
  return (
    <article aria-label={`Step ${step.id}`} data-step={step.id} data-status={step.status} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <header className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{step.id}</span>
        <span className="text-xs text-zinc-500">
          {step.kind}
          {step.attempt > 1 ? ` · attempt ${step.attempt}` : ""}
        </span>
        <StatusBadge status={step.outcomeUnknown && step.status !== "waiting" ? "outcome unknown" : step.status} waitingFor={step.waitingFor} />
        <span className="ml-auto text-xs tabular-nums text-zinc-500">{formatDuration(ms)}</span>
      </header>
      {step.kind === "agent" && <StepCost usage={step.usage} model={step.agent?.model ?? null} />}
      {step.task && <StepTaskLine task={step.task} live={step.status === "running"} />}
      {step.error && <p className="mt-2 text-sm break-words text-red-700 dark:text-red-400">{step.error}</p>}
      {step.kind === "approval" && step.draft && (
        <p className="mt-2 text-sm">
          Draft <StatusBadge status={step.draft.status} />{" "}
          <Link className="font-medium underline" href={`/drafts/${step.draft.id}`}>
            {step.draft.status === "pending" ? "Review the draft" : "Open the draft"}
          </Link>
        </p>
      )}
      {step.outcomeUnknown && run.status === "waiting" && (
        <p className="mt-2 text-sm" aria-label="Where to check">
          {step.outcomeUnknown.checkUrl ? (
            <>
              Check first whether it happened:{" "}
              <a className="font-medium underline" href={step.outcomeUnknown.checkUrl} target="_blank" rel="noopener noreferrer">
                open {step.outcomeUnknown.server ?? "the target system"}&apos;s check page
              </a>
            </>
          ) : (
            <span className="text-zinc-500">Check {step.outcomeUnknown.server ?? "the target system"} directly (no check link is set: add one for this server under &quot;switchboard&quot; in mcp.json).</span>
          )}
        </p>
      )}
      {marker && run.status === "waiting" && (
        <div className="mt-2 flex gap-2">
          <Button
            size="sm"
            variant="secondary"
            onClick={async () => {
              const r = await resolveOutcomeAction({ id: run.id, stepId: step.id, action: "retry" });
              setError(r.ok ? null : r.error);
              await onChange();
            }}
          >
            Send again
          </Button>
          <Button
            size="sm"
            variant="secondary"
            onClick={async () => {
              const r = await resolveOutcomeAction({ id: run.id, stepId: step.id, action: "skip" });
              setError(r.ok ? null : r.error);
              await onChange();
            }}
          >
            It happened: skip
          </Button>
        </div>
      )}
      {step.inputRequest && run.status === "waiting" && <InputRequestForm runId={run.id} stepId={step.id} request={step.inputRequest} answer={answerInputAction} onAnswered={onChange} />}
      {step.kind === "agent" && <AgentTranscript runId={run.id} step={step} />}
      {step.kind !== "agent" &&
        step.toolCalls.map((call) => <ToolCallDetails key={call.id} runId={run.id} call={call} open={step.status !== "succeeded"} className="mt-3 rounded border border-zinc-200 p-2 text-sm dark:border-zinc-800" />)}
      {step.outputOmitted && (
        <p className="mt-3 text-xs text-zinc-500">
          The output is too large to show here ({formatNumber(step.outputBytes)} bytes):{" "}
          <a className="underline" href={`/api/runs/${run.id}/steps/${step.runStepId}/output`} target="_blank" rel="noopener">
            open it as JSON
          </a>
          .
        </p>
      )}
      {step.kind === "approval" && step.output !== null && step.output !== undefined && (
        <div className="mt-3">
          <p className="text-xs text-zinc-500">Output</p>
          <JsonBlock value={step.output} label="Step output" />
        </div>
      )}
      {history.length > 0 && (
        <details className="mt-3 text-xs text-zinc-500">
          <summary className="cursor-pointer">
            {history.length} earlier attempt{history.length > 1 ? "s" : ""}
          </summary>
          <ul className="mt-1 space-y-1">
            {history.map((h) => (
              <li key={h.runStepId}>
                attempt {h.attempt}: <StatusBadge status={h.status} /> {h.error}
              </li>
            ))}
          </ul>
        </details>
      )}
    </article>
  );
}
