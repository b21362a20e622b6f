import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { HeartbeatList } from "@/components/heartbeats/heartbeat-list";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { requirePageUser } from "@/lib/auth/session";
import { listClients } from "@/lib/clients/clients";
import { countPendingDrafts } from "@/lib/drafts/counts";
import { listActiveAndRecentFailedRuns } from "@/lib/engine/run-list";
import { RunList } from "@/components/runs/run-list";
import { SpendByClient } from "@/components/spend/spend-by-client";
import { spendByClientThisMonth } from "@/lib/spend/spend-queries";

export const metadata: Metadata = { title: "Today" };

export default async function TodayPage() {
  const user = await requirePageUser();
  const [clients, pendingDrafts, runs, heartbeats, spend] = await Promise.all([listClients(), countPendingDrafts(), listActiveAndRecentFailedRuns(), listHeartbeatSummaries(), spendByClientThisMonth()]);
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
