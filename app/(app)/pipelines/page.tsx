import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/lib/auth/session";
import { listCheckedPipelines } from "@/lib/mcp/approval-boundary";
import { stepKind } from "@/lib/pipelines/pipeline.schema";

export const metadata: Metadata = { title: "Pipelines" };

export default async function PipelinesPage() {
  await requirePageUser();
  const pipelines = await listCheckedPipelines();
  return (
    <>
      <PageHeader title="Pipelines" description="Each file in the workspace's pipelines/ folder is a pipeline. Edits show here without a restart." />
      {pipelines.length === 0 ? (
        <EmptyState title="No pipelines yet">
          Add a YAML file such as <code className="font-mono">pipelines/blog-post.yaml</code> to the workspace: a name, inputs and steps that call your MCP tools. See the README for the format.
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Pipeline</Th>
              <Th>Steps</Th>
              <Th>Schedule</Th>
              <Th>Status</Th>
            </tr>
          </thead>
          <tbody>
            {pipelines.map((p) => (
              <tr key={p.slug} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                <Td>
                  <Link href={`/pipelines/${p.slug}`} className="font-medium hover:underline">
                    {p.name}
                  </Link>
                  <p className="font-mono text-xs text-zinc-500">{p.file}</p>
                  {p.definition?.description && <p className="line-clamp-1 text-xs text-zinc-500">{p.definition.description}</p>}
                  {p.errors.length > 0 && (
                    <ul className="mt-1 space-y-0.5" aria-label={`Errors in ${p.file}`}>
                      {p.errors.slice(0, 5).map((e) => (
                        <li key={e} className="font-mono text-xs text-red-700 dark:text-red-400">
                          {e}
                        </li>
                      ))}
                    </ul>
                  )}
                </Td>
                <Td className="text-xs text-zinc-600 dark:text-zinc-400">{p.definition?.steps.map((s) => (s.tool ? s.tool : stepKind(s))).join(" → ") ?? "—"}</Td>
                <Td className="font-mono text-xs">{p.definition?.schedule ? `${p.definition.schedule.cron} (${p.definition.schedule.timezone})` : "—"}</Td>
                <Td>
                  <StatusBadge status={p.valid ? "active" : "error"} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
