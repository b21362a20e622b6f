"use client";
// "Run again with another runner" on a finished run's page, and the links between a run and its reruns.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { StatusBadge } from "@/components/ui/status-badge";
import { rerunRunAction } from "../actions";
import type { RunView } from "@/components/runs/run-view";

const compareHref = (a: string, b: string) => `/runs/compare?${new URLSearchParams({ a, b })}`;

function runnerLabel(runner: string | null, model: string | null): string {
  if (!runner && !model) return "the same runners";
  return [runner ?? "the same runner", model ? `(model ${model})` : null].filter(Boolean).join(" ");
}

/** On a rerun's page: which run it repeats, with a link to it and to the comparison. */
export function RerunNotice({ run }: { run: RunView }) {
  if (!run.rerunOf) return null;
  return (
    <p aria-label="Rerun of" className="mb-4 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-200">
      This run re-runs{" "}
      <Link className="font-medium underline" href={`/runs/${run.rerunOf.id}`}>
        run {run.rerunOf.id}
      </Link>{" "}
      on {runnerLabel(run.rerunOf.runner, run.rerunOf.model)}.{" "}
      <Link className="font-medium underline" href={compareHref(run.rerunOf.id, run.id)}>
        Compare
      </Link>
    </p>
  );
}

/**
 * A finished run with agent steps: the form that queues it again on another runner, and its earlier
 * reruns. `runners` and `canPickModel`: what this viewer may pick (an admin: any runner and a model;
 * anyone else: the runners the pipeline lists in `alternatives`, and this run's own).
 */
export function RerunCard({ run, runners: allowed, canPickModel }: { run: RunView; runners: readonly string[]; canPickModel: boolean }) {
  const router = useRouter();
  const current = run.steps.find((s) => s.agent?.runner)?.agent?.runner ?? null;
  const runners = current && !allowed.includes(current) ? [current, ...allowed] : allowed;
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  if (!run.canRerun || !run.steps.some((s) => s.kind === "agent")) return null;
  return (
    <Card title="Run again with another runner">
      <form
        aria-label="Run again with another runner"
        className="space-y-3"
        onSubmit={async (event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          setPending(true);
          const result = await rerunRunAction({ id: run.id, runner: String(data.get("runner") ?? ""), model: canPickModel ? String(data.get("model") ?? "") : "" });
          if (result.ok) {
            router.push(`/runs/${result.data.id}`);
            return;
          }
          setPending(false);
          setError(result.fieldErrors ? Object.values(result.fieldErrors).flat().join("; ") : result.error);
        }}
      >
        <p className="text-xs text-zinc-500">Same pipeline, inputs and client; every agent step runs on the runner chosen here.</p>
        <Field label="Runner" htmlFor="rerun-runner">
          <Select id="rerun-runner" name="runner" defaultValue={runners.find((r) => r !== current) ?? runners[0]}>
            {runners.map((r) => (
              <option key={r} value={r}>
                {r}
                {r === current ? " (this run's)" : ""}
              </option>
            ))}
          </Select>
        </Field>
        {canPickModel ? (
          <Field label="Model (optional)" htmlFor="rerun-model" hint="Blank: the runner's default model.">
            <Input id="rerun-model" name="model" maxLength={200} autoComplete="off" placeholder="e.g. gpt-5" />
          </Field>
        ) : (
          <p className="text-xs text-zinc-500">Only the runners this pipeline lists as alternatives are offered; an admin can pick any runner or model.</p>
        )}
        <FormError message={error} />
        <Button type="submit" size="sm" disabled={pending}>
          {pending ? "Queueing…" : "Run again"}
        </Button>
      </form>
      {run.reruns.length > 0 && (
        <div className="mt-4 border-t border-zinc-200 pt-3 dark:border-zinc-800">
          <p className="text-xs text-zinc-500">Reruns of this run</p>
          <ul aria-label="Reruns" className="mt-1 space-y-1 text-sm">
            {run.reruns.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center gap-2">
                <Link className="underline" href={`/runs/${r.id}`}>
                  {runnerLabel(r.runner, r.model)}
                </Link>
                <StatusBadge status={r.status} />
                <Link className="text-xs underline" href={compareHref(run.id, r.id)}>
                  Compare
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
