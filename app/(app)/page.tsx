import type { Metadata } from "next";
import Link from "next/link";
import { Card, NotBuiltYet, PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { listClients } from "@/lib/clients/clients";
import { countPendingDrafts } from "@/lib/drafts/counts";

export const metadata: Metadata = { title: "Today" };

export default async function TodayPage() {
  const user = await requirePageUser();
  const [clients, pendingDrafts] = await Promise.all([listClients(), countPendingDrafts()]);
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
        <Card title="Runs">
          <NotBuiltYet what="Running and recently failed runs">They appear here once pipelines can run.</NotBuiltYet>
        </Card>
        <Card title="Heartbeats">
          <NotBuiltYet what="Heartbeat status">Failing and late heartbeats will be listed first here.</NotBuiltYet>
        </Card>
      </div>
    </>
  );
}
