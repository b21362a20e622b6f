import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { HeartbeatList } from "@/components/heartbeats/heartbeat-list";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { StatusBadge } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/time";
import { Markdown } from "@/components/markdown";
import { listAuditForClient } from "@/lib/audit";
import { requirePageUser } from "@/lib/auth/session";
import { getClientDetail } from "@/lib/clients/client-detail";
import { MEMORY_RENDER_MAX_BYTES } from "@/lib/clients/clients";
import { NotFoundError } from "@/lib/errors";
import { listRuns } from "@/lib/engine/run-list";
import { listDrafts } from "@/lib/drafts/drafts";
import { RunList } from "@/components/runs/run-list";
import Link from "next/link";
import { BudgetBar } from "@/components/spend/cost";
import { MonthChart } from "@/components/spend/month-chart";
import { formatUsd, formatNumber } from "@/lib/format";
import { clientMonthlySpend } from "@/lib/spend/spend-queries";
import { ClientActions } from "./client-actions";
import { MemoryEditor } from "./memory-editor";

export const metadata: Metadata = { title: "Client" };

async function loadClient(slug: string) {
  try {
    return await getClientDetail(slug);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

/** "version 2: “ship it”" from an audit entry's data, when it has them. */
function auditDetail(dataJson: string | null): string {
  if (!dataJson) return "";
  try {
    const data = JSON.parse(dataJson) as { version?: unknown; note?: unknown };
    const version = typeof data.version === "number" ? ` version ${data.version}` : "";
    const note = typeof data.note === "string" && data.note ? `: “${data.note}”` : "";
    return `${version}${note}`;
  } catch {
    return "";
  }
}

export default async function ClientPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requirePageUser();
  const { slug } = await params;
  const client = await loadClient(slug);
  const { memoryView: memory, spend } = client;
  const [history, runs, drafts, heartbeats, months] = await Promise.all([
    listAuditForClient(client.id, 30),
    listRuns({ clientSlug: client.slug, limit: 20 }),
    listDrafts({ clientSlug: client.slug, limit: 8 }),
    listHeartbeatSummaries({ clientSlug: client.slug }),
    clientMonthlySpend(client.id, 6),
  ]);
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {client.name} <StatusBadge status={client.archived ? "archived" : "active"} />
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-3">
            <span className="font-mono">clients/{client.slug}</span>
            <span>
              spend this month {formatUsd(spend.monthUsd)}
              {spend.budgetUsd !== null && <> of {formatUsd(spend.budgetUsd)} budget</>}
            </span>
          </span>
        }
        actions={
          <ClientActions
            isAdmin={user.role === "admin"}
            client={{ slug: client.slug, name: client.name, description: client.description, monthlyBudgetUsd: client.monthlyBudgetUsd, monthlyTokenBudget: client.monthlyTokenBudget, archived: client.archived }}
          />
        }
      />
      {client.description && <p className="mb-5 text-sm text-zinc-600 dark:text-zinc-400">{client.description}</p>}
      <Card title={`Spend in ${months.at(-1)?.month.label ?? "this month"}`} className="mb-6">
        <div className="grid gap-5 md:grid-cols-2">
          <div className="space-y-3" aria-label="Spend this month">
            <BudgetBar label="USD at API prices" spent={spend.monthUsd} budget={spend.budgetUsd} format={formatUsd} />
            {(spend.subscriptionTokens > 0 || spend.tokenBudget !== null) && <BudgetBar label="Subscription tokens" spent={spend.subscriptionTokens} budget={spend.tokenBudget} format={formatNumber} />}
            <p className="text-xs text-zinc-500">
              {formatNumber(spend.tokens)} tokens in all this month (UTC).
              {spend.subscriptionTokens > 0 && <> Subscription runs would have cost {formatUsd(spend.subscriptionUsd)} at API prices; that is not in the USD spend.</>}
              {user.role === "admin" ? " Edit sets the budgets." : " An admin sets the budgets."}
            </p>
          </div>
          <MonthChart months={months} budgetUsd={spend.budgetUsd} />
        </div>
      </Card>
      <section aria-label="Runs" className="mb-6">
        <h2 className="mb-3 text-sm font-semibold">Runs</h2>
        <RunList
          runs={runs.items}
          showClient={false}
          showCost
          empty={
            <>
              No runs for this client yet.{" "}
              <Link className="underline" href="/pipelines">
                Run a pipeline
              </Link>{" "}
              and choose {client.name}.
            </>
          }
        />
        {runs.nextCursor && (
          <p className="mt-2 text-sm">
            <Link className="underline" href={`/runs?client=${client.slug}`}>
              All runs for {client.name}
            </Link>
          </p>
        )}
      </section>
      <div className="grid gap-5 lg:grid-cols-[2fr_1fr]">
        <Card title="Memory (CLAUDE.md)">
          <MemoryEditor
            slug={client.slug}
            source={memory.source ?? ""}
            rendered={
              memory.error ? (
                <p role="alert" className="text-sm text-red-600 dark:text-red-400">
                  {memory.error}
                </p>
              ) : memory.rendered === null ? null : (
                <>
                  {memory.truncated && <p className="mb-2 text-xs text-zinc-500">Showing the first {MEMORY_RENDER_MAX_BYTES / 1024} KB; Edit shows the whole file.</p>}
                  <Markdown source={memory.rendered} />
                </>
              )
            }
          />
        </Card>
        <div className="space-y-5">
          <Card title="Drafts">
            {drafts.items.length === 0 ? (
              <p className="text-sm text-zinc-500">No drafts yet. A pipeline with an approval step leaves its draft here for review.</p>
            ) : (
              <ul aria-label="Client drafts" className="space-y-1.5 text-sm">
                {drafts.items.map((d) => (
                  <li key={d.id} className="flex items-center justify-between gap-2">
                    <Link className="min-w-0 truncate hover:underline" href={`/drafts/${d.id}`}>
                      {d.title}
                    </Link>
                    <StatusBadge status={d.status} />
                  </li>
                ))}
              </ul>
            )}
            {drafts.nextCursor && (
              <p className="mt-2 text-sm">
                <Link className="underline" href={`/drafts?client=${client.slug}`}>
                  All drafts for {client.name}
                </Link>
              </p>
            )}
          </Card>
          <Card title="Heartbeats">
            <HeartbeatList
              label="Client heartbeats"
              items={heartbeats.items}
              empty={
                <>
                  No heartbeats for this client. A pipeline&apos;s <code className="font-mono">schedule:</code> block or a <code className="font-mono">heartbeats.yaml</code> entry with{" "}
                  <code className="font-mono">client: {client.slug}</code> adds one.
                </>
              }
            />
          </Card>
          <Card title="History">
            {history.length === 0 ? (
              <p className="text-sm text-zinc-500">Nothing recorded yet.</p>
            ) : (
              <ul className="space-y-1.5 text-sm">
                {history.map((h) => (
                  <li key={h.id} className="flex justify-between gap-2">
                    <span className="min-w-0">
                      <span className="font-medium">{h.actorLabel || "system"}</span> <span className="text-zinc-500">{h.action}</span>
                      {h.targetType === "draft" && h.targetId && (
                        <>
                          {" "}
                          <Link className="underline" href={`/drafts/${h.targetId}`}>
                            draft
                          </Link>
                        </>
                      )}
                      {auditDetail(h.dataJson)}
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
