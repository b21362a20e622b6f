import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/session";
import { listClients } from "@/lib/clients/clients";
import { NewClientForm } from "./new-client-form";

export const metadata: Metadata = { title: "Clients" };

export default async function ClientsPage({ searchParams }: { searchParams: Promise<{ archived?: string }> }) {
  await requirePageUser();
  const showArchived = (await searchParams).archived === "1";
  const clients = await listClients({ includeArchived: showArchived });
  return (
    <>
      <PageHeader
        title="Clients"
        description="Each client has a folder in the workspace with its CLAUDE.md memory; runs, drafts and heartbeats are kept per client."
        actions={
          <Link href={showArchived ? "/clients" : "/clients?archived=1"} className="text-sm text-zinc-500 underline-offset-2 hover:underline">
            {showArchived ? "Hide archived" : "Show archived"}
          </Link>
        }
      />
      <NewClientForm />
      <div className="mt-5">
        {clients.length === 0 ? (
          <EmptyState title="No clients yet">Add your first client above: Switchboard creates its folder and a CLAUDE.md you can fill with its conventions.</EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Client</Th>
                <Th>Slug</Th>
                <Th>Runs</Th>
                <Th>Status</Th>
                <Th>Added</Th>
              </tr>
            </thead>
            <tbody>
              {clients.map((c) => (
                <tr key={c.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                  <Td>
                    <Link href={`/clients/${c.slug}`} className="font-medium hover:underline">
                      {c.name}
                    </Link>
                    {c.description && <p className="line-clamp-1 text-xs text-zinc-500">{c.description}</p>}
                  </Td>
                  <Td className="font-mono text-xs">{c.slug}</Td>
                  <Td>{c._count.runs}</Td>
                  <Td>
                    <StatusBadge status={c.archivedAt ? "archived" : "active"} />
                  </Td>
                  <Td>
                    <RelativeTime value={c.createdAt} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </>
  );
}
