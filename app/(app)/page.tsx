import type { Metadata } from "next";
import Link from "next/link";
import { Card, NotBuiltYet, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { listClients } from "@/lib/clients/clients";
import { countPendingDrafts } from "@/lib/drafts/counts";
import { listActiveAndRecentFailedRuns } from "@/lib/engine/run-queries";
import { RunList } from "@/components/runs/run-list";

export const metadata: Metadata = { title: "Today" };

export default async function TodayPage() {
  const user = await requirePageUser();
  const [clients, pendingDrafts, runs] = await Promise.all([listClients(), countPendingDrafts(), listActiveAndRecentFailedRuns()]);
  return (
    <>
      <PageHeader title="Today" description={`Signed in as ${user.email}`} />
      <div className="grid gap-5 md:grid-cols-2">
        <Card title="Drafts waiting for review">
          <p className="text-3xl font-semibold">{pendingDrafts}</p>
          <p className="text-sm text-zinc-500">{pendingDrafts === 0 ? "Nothing waits for you." : <Link className="underline" href="/drafts">Review them</Link>}</p>
        </Card>
        <Card title="Clients">
          <p className="text-3xl font-semibold">{clients.length}</p>
          <p className="text-sm text-zinc-500">{clients.length === 0 ? <Link className="underline" href="/clients">Add your first client</Link> : <Link className="underline" href="/clients">Browse clients</Link>}</p>
        </Card>
        <Card title="Heartbeats">
          <NotBuiltYet what="Heartbeat status">Failing and late heartbeats will be listed first here.</NotBuiltYet>
        </Card>
      </div>
      <h2 className="mt-8 mb-3 text-sm font-semibold">Running now</h2>
      <RunList runs={runs.active} empty={<>Nothing is running. <Link className="underline" href="/pipelines">Run a pipeline</Link>.</>} />
      <h2 className="mt-8 mb-3 text-sm font-semibold">Failed in the last 24 hours</h2>
      <RunList runs={runs.failed} empty={<>No failures.</>} />
    </>
  );
}
