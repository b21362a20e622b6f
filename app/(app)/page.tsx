import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { HeartbeatList } from "@/components/heartbeats/heartbeat-list";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { requirePageUser } from "@/lib/auth/session";
import { listClients } from "@/lib/clients/clients";
import { countPendingDrafts } from "@/lib/drafts/counts";
import { listOpenInputRequests } from "@/lib/engine/input-waits";
import { listActiveAndRecentFailedRuns } from "@/lib/engine/run-list";
import { InputRequestForm } from "@/components/runs/input-request-form";
import { RelativeTime } from "@/components/ui/time";
import { answerInputAction } from "./runs/actions";
import { RunList } from "@/components/runs/run-list";
import { SpendByClient } from "@/components/spend/spend-by-client";
import { spendByClientThisMonth } from "@/lib/spend/spend-queries";

export const metadata: Metadata = { title: "Today" };

export default async function TodayPage() {
  const user = await requirePageUser();
  const [clients, pendingDrafts, runs, heartbeats, spend, inputs] = await Promise.all([
    listClients(),
    countPendingDrafts(),
    listActiveAndRecentFailedRuns(),
    listHeartbeatSummaries(),
    spendByClientThisMonth(),
    listOpenInputRequests(),
  ]);
  const troubled = heartbeats.items.filter((h) => h.status === "failing" || h.status === "late");
  return (
    <>
      <PageHeader title="Today" description={`Signed in as ${user.email}`} />
      <div className="grid gap-5 md:grid-cols-2">
        <Card title="Drafts waiting for review">
          <p className="text-3xl font-semibold">{pendingDrafts}</p>
          <p className="text-sm text-zinc-500">
            {pendingDrafts === 0 ? (
              "Nothing waits for you."
            ) : (
              <Link className="underline" href="/drafts">
                Review them
              </Link>
            )}
          </p>
        </Card>
        <Card title="Clients">
          <p className="text-3xl font-semibold">{clients.length}</p>
          <p className="text-sm text-zinc-500">
            {clients.length === 0 ? (
              <Link className="underline" href="/clients">
                Add your first client
              </Link>
            ) : (
              <Link className="underline" href="/clients">
                Browse clients
              </Link>
            )}
          </p>
        </Card>
        <Card
          title="Heartbeats"
          actions={
            <Link className="text-xs underline" href="/heartbeats">
              All {heartbeats.items.length}
            </Link>
          }
        >
          <HeartbeatList
            label="Failing and late heartbeats"
            items={troubled.length > 0 ? troubled : heartbeats.items.slice(0, 5)}
            empty={
              heartbeats.items.length === 0 ? (
                <>
                  No heartbeats.{" "}
                  <Link className="underline" href="/heartbeats">
                    Add a schedule
                  </Link>
                  .
                </>
              ) : (
                "All heartbeats are fine."
              )
            }
          />
          {troubled.length === 0 && heartbeats.items.length > 0 && <p className="mt-2 text-xs text-zinc-500">None failing or late.</p>}
        </Card>
        <Card title={`Spend in ${spend.month.label}`}>
          <SpendByClient rows={spend.rows} />
        </Card>
      </div>
      {inputs.length > 0 && (
        <section aria-label="Waiting for your input" className="mt-8">
          <h2 className="mb-3 text-sm font-semibold">Waiting for your input</h2>
          <ul className="space-y-3">
            {inputs.map((r) => (
              <li key={r.id} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
                <p className="text-sm">
                  <Link className="font-medium underline" href={`/runs/${r.runId}`}>
                    {r.pipelineName}
                  </Link>{" "}
                  <span className="text-zinc-500">
                    · step {r.stepId}
                    {r.client ? ` · ${r.client.name}` : ""} · asked <RelativeTime value={r.requestedAt.toISOString()} />
                  </span>
                </p>
                <InputRequestForm runId={r.runId} stepId={r.stepId} request={r} answer={answerInputAction} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <h2 className="mt-8 mb-3 text-sm font-semibold">Running now</h2>
      <RunList
        runs={runs.active}
        empty={
          <>
            Nothing is running.{" "}
            <Link className="underline" href="/pipelines">
              Run a pipeline
            </Link>
            .
          </>
        }
      />
      <h2 className="mt-8 mb-3 text-sm font-semibold">Failed in the last 24 hours</h2>
      <RunList runs={runs.failed} empty={<>No failures.</>} />
    </>
  );
}
