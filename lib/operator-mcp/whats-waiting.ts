// The Today board as data, for the whats_waiting tool: what waits for a person, each item with its
// client, age, the page to open and what to do there. Built on the same reads as the Today page, the
// /drafts inbox and the /runs filters, so the tool and the pages never disagree.
import "server-only";
import { countPendingDrafts } from "@/lib/drafts/counts";
import { listDrafts } from "@/lib/drafts/drafts";
import { listRuns } from "@/lib/engine/run-list";
import { WAITING_LABELS, type WaitingReason } from "@/lib/engine/run-status";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { pageUrl } from "@/lib/operator-mcp/links";
import { formatNumber, formatUsd } from "@/lib/format";
import { spendByClientThisMonth } from "@/lib/spend/spend-queries";

/** A client at this share of a budget is "near" it. */
export const BUDGET_NEAR = 0.8;

export type WaitingItem = {
  kind: "draft" | "run" | "heartbeat" | "failed-run" | "budget";
  title: string;
  client: string | null;
  /** since when it waits (ISO), and the same in words */
  since: string | null;
  age: string | null;
  url: string;
  todo: string;
  /** the id or slug to pass to the tool that acts on it */
  id: string;
  /** a draft's current version: what approve_draft and reject_draft take */
  version?: number;
};

export function ageOf(since: Date | string | null, now: Date): string | null {
  if (!since) return null;
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(since).getTime()) / 1000));
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

const RUN_TODO: Partial<Record<WaitingReason, string>> = {
  approval: "Review its draft: approve_draft or reject_draft (get_draft shows what approval will do)",
  "outcome-unknown": "A call may or may not have happened: check it (the run page links where), then retry or skip the step on the run page",
  input: "A tool asks a person for input: answer its form on the run page (or POST /api/runs/<id>/input)",
};

export async function whatsWaiting(options: { client?: string; limit?: number } = {}, now = new Date()) {
  const limit = options.limit ?? 25;
  const client = options.client;
  const dayAgo = new Date(now.getTime() - 24 * 3_600_000);
  const [pendingCount, drafts, waitingRuns, failedRuns, heartbeats, spend] = await Promise.all([
    countPendingDrafts(client),
    listDrafts({ status: "pending", clientSlug: client, limit }),
    listRuns({ status: "waiting", clientSlug: client, limit }),
    listRuns({ status: "failed", clientSlug: client, from: dayAgo.toISOString(), limit }),
    listHeartbeatSummaries({ clientSlug: client, now }),
    spendByClientThisMonth(now),
  ]);

  const draftItems: WaitingItem[] = drafts.items.map((d) => ({
    kind: "draft",
    id: d.id,
    version: d.version,
    title: d.title,
    client: d.client?.slug ?? null,
    since: d.createdAt.toISOString(),
    age: ageOf(d.createdAt, now),
    url: pageUrl(`/drafts/${d.id}`),
    todo: `Review version ${d.version}: get_draft, then approve_draft or reject_draft with version ${d.version}`,
  }));
  const runItems: WaitingItem[] = waitingRuns.items.map((r) => ({
    kind: "run",
    id: r.id,
    title: `${r.pipelineName}: ${r.waitingFor ? WAITING_LABELS[r.waitingFor] : "waiting"}`,
    client: r.client?.slug ?? null,
    since: (r.startedAt ?? r.createdAt).toISOString(),
    age: ageOf(r.startedAt ?? r.createdAt, now),
    url: pageUrl(`/runs/${r.id}`),
    todo: (r.waitingFor && RUN_TODO[r.waitingFor]) || "Open the run and do what it asks",
  }));
  const troubled = heartbeats.items.filter((h) => h.status === "failing" || h.status === "late");
  const heartbeatItems: WaitingItem[] = troubled.slice(0, limit).map((h) => {
    const since = h.status === "late" ? h.lateAt : h.lastSignalAt;
    return {
      kind: "heartbeat",
      id: h.slug,
      title: `${h.name} is ${h.status}${h.lastError ? `: ${h.lastError.slice(0, 200)}` : ""}`,
      client: h.client,
      since,
      age: ageOf(since, now),
      url: pageUrl(`/heartbeats/${h.slug}`),
      todo: h.status === "late" ? "It has not reported in time: check the job, or run_heartbeat_now" : "Its last run failed: look at the heartbeat's runs, fix the cause, then run_heartbeat_now",
    };
  });
  const failedItems: WaitingItem[] = failedRuns.items.map((r) => ({
    kind: "failed-run",
    id: r.id,
    title: `${r.pipelineName} failed${r.error ? `: ${r.error.slice(0, 200)}` : ""}`,
    client: r.client?.slug ?? null,
    since: (r.finishedAt ?? r.createdAt).toISOString(),
    age: ageOf(r.finishedAt ?? r.createdAt, now),
    url: pageUrl(`/runs/${r.id}`),
    todo: "See why (get_run), then retry_run to resume from the failed step",
  }));
  const budgetItems: WaitingItem[] = spend.rows
    .filter((row) => !client || row.slug === client)
    .flatMap((row) => {
      const usdShare = row.budgetUsd ? row.usd / row.budgetUsd : 0;
      const tokenShare = row.tokenBudget ? row.subscriptionTokens / row.tokenBudget : 0;
      const share = Math.max(usdShare, tokenShare);
      if (share < BUDGET_NEAR) return [];
      const what = usdShare >= tokenShare ? `${formatUsd(row.usd)} of ${formatUsd(row.budgetUsd ?? 0)}` : `${formatNumber(row.subscriptionTokens)} of ${formatNumber(row.tokenBudget ?? 0)} tokens`;
      return [
        {
          kind: "budget" as const,
          id: row.slug,
          title: `${row.name} ${share >= 1 ? "is over" : "is near"} its budget for ${spend.month.label}: ${what} (${Math.round(share * 100)}%)`,
          client: row.slug,
          since: null,
          age: null,
          url: pageUrl(`/clients/${row.slug}`),
          todo:
            share >= 1 ? "New agent runs for this client are refused: an admin can raise the budget on the client's page" : "Agent runs will be refused at the budget: watch spend (get_spend) or ask an admin to raise it",
        },
      ];
    })
    .slice(0, limit);

  const total = pendingCount + runItems.length + heartbeatItems.length + failedItems.length + budgetItems.length;
  return {
    summary:
      total === 0
        ? "Nothing waits for you."
        : [
            pendingCount && `${pendingCount} draft${pendingCount === 1 ? "" : "s"} to review`,
            runItems.length && `${runItems.length}${waitingRuns.nextCursor ? "+" : ""} run${runItems.length === 1 ? "" : "s"} waiting`,
            heartbeatItems.length && `${troubled.length} heartbeat${troubled.length === 1 ? "" : "s"} failing or late`,
            failedItems.length && `${failedItems.length}${failedRuns.nextCursor ? "+" : ""} run${failedItems.length === 1 ? "" : "s"} failed in the last day`,
            budgetItems.length && `${budgetItems.length} client${budgetItems.length === 1 ? "" : "s"} near or over budget`,
          ]
            .filter(Boolean)
            .join("; "),
    counts: { drafts: pendingCount, waitingRuns: runItems.length, troubledHeartbeats: troubled.length, failedRuns: failedItems.length, budgets: budgetItems.length },
    drafts: draftItems,
    waitingRuns: runItems,
    heartbeats: heartbeatItems,
    failedRuns: failedItems,
    budgets: budgetItems,
    url: pageUrl(client ? `/clients/${client}` : "/"),
  };
}
