import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card, NotBuiltYet, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/time";
import { Markdown } from "@/components/markdown";
import { listAuditForClient } from "@/lib/audit";
import { requirePageUser } from "@/lib/auth/session";
import { getClient, readClientMemory } from "@/lib/clients/clients";
import { NotFoundError } from "@/lib/errors";
import { listRuns } from "@/lib/engine/run-queries";
import { RunList } from "@/components/runs/run-list";
import Link from "next/link";
import { ClientActions } from "./client-actions";
import { MemoryEditor } from "./memory-editor";

export const metadata: Metadata = { title: "Client" };

async function loadClient(slug: string) {
  try {
    return await getClient(slug);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export default async function ClientPage({ params }: { params: Promise<{ slug: string }> }) {
  await requirePageUser();
  const { slug } = await params;
  const client = await loadClient(slug);
  const memory = readClientMemory(client.slug);
  const [history, runs] = await Promise.all([listAuditForClient(client.id, 30), listRuns({ clientSlug: client.slug, limit: 20 })]);
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {client.name} <StatusBadge status={client.archivedAt ? "archived" : "active"} />
          </span>
        }
        description={<span className="font-mono">clients/{client.slug}</span>}
        actions={<ClientActions client={{ slug: client.slug, name: client.name, description: client.description, monthlyBudgetUsd: client.monthlyBudgetUsd, archived: client.archivedAt !== null }} />}
      />
      {client.description && <p className="mb-5 text-sm text-zinc-600 dark:text-zinc-400">{client.description}</p>}
      <section aria-label="Runs" className="mb-6">
        <h2 className="mb-3 text-sm font-semibold">Runs</h2>
        <RunList runs={runs.items} showClient={false} empty={<>No runs for this client yet. <Link className="underline" href="/pipelines">Run a pipeline</Link> and choose {client.name}.</>} />
        {runs.nextCursor && <p className="mt-2 text-sm"><Link className="underline" href={`/runs?client=${client.slug}`}>All runs for {client.name}</Link></p>}
      </section>
      <div className="grid gap-5 lg:grid-cols-[2fr_1fr]">
        <Card title="Memory (CLAUDE.md)">
          <MemoryEditor slug={client.slug} source={memory ?? ""} rendered={memory === null ? null : <Markdown source={memory} />} />
        </Card>
        <div className="space-y-5">
          <Card title="Heartbeats">
            <NotBuiltYet what="Heartbeats">Scheduled jobs for this client arrive with the heartbeats work.</NotBuiltYet>
          </Card>
          <Card title="History">
            {history.length === 0 ? (
              <p className="text-sm text-zinc-500">Nothing recorded yet.</p>
            ) : (
              <ul className="space-y-1.5 text-sm">
                {history.map((h) => (
                  <li key={h.id} className="flex justify-between gap-2">
                    <span>
                      <span className="font-medium">{h.actorLabel || "system"}</span> <span className="text-zinc-500">{h.action}</span>
                    </span>
                    <span className="shrink-0 text-xs text-zinc-500">
                      <RelativeTime value={h.at} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
