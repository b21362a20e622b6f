"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { FormError, Input } from "@/components/ui/field";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatDuration } from "@/components/ui/format";
import { queryKeys } from "@/components/query-keys";
import type { Serialized } from "@/components/serialized";
import { JsonBlock, ToolResult } from "@/components/runs/tool-result";
import { initialValue, prune, SchemaForm, type JsonSchema } from "@/components/tools/schema-form";
import type { ServerInfo } from "@/lib/mcp/pool";
import { acceptToolChangeAction, approveServerAction, callToolAction } from "./actions";

type Listing = { servers: Serialized<ServerInfo>[]; fileErrors: string[] };
type Server = Listing["servers"][number];
type Tool = Server["tools"][number];

export function ToolsBoard({ initial, isAdmin }: { initial: Listing; isAdmin: boolean }) {
  const { data, isFetching } = useQuery({
    queryKey: queryKeys.servers(),
    queryFn: async (): Promise<Listing> => {
      const res = await fetch("/api/mcp/servers?connect=1", { cache: "no-store" });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { items: Server[]; fileErrors: string[] };
      return { servers: body.items, fileErrors: body.fileErrors };
    },
    placeholderData: initial,
    refetchInterval: 15_000,
  });
  const listing = data ?? initial;
  return (
    <div className="space-y-4">
      {isFetching && <p role="status" className="text-xs text-zinc-500">Connecting to servers…</p>}
      {listing.fileErrors.map((e) => <FormError key={e} message={e} />)}
      {listing.servers.length === 0 && (
        <EmptyState title="No MCP servers configured">Add servers to <code className="font-mono">mcp.json</code> in the workspace, in the same <code className="font-mono">mcpServers</code> format as Claude Code&apos;s .mcp.json.</EmptyState>
      )}
      {listing.servers.map((s) => <ServerCard key={`${s.scope}:${s.name}`} server={s} isAdmin={isAdmin} />)}
    </div>
  );
}

function ServerCard({ server, isAdmin }: { server: Server; isAdmin: boolean }) {
  return (
    <section aria-label={`Server ${server.name}`} className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <h2 className="font-semibold">{server.name}</h2>
        <StatusBadge status={server.status} />
        <span className="text-xs text-zinc-500">{server.transport ?? "?"} · {server.scope === "global" ? "workspace" : `client ${server.scope}`} · {server.source}</span>
        <span className="ml-auto text-xs text-zinc-500">
          {server.toolCount !== null ? `${server.toolCount} tools` : ""}{server.lastLatencyMs !== null ? ` · last call ${formatDuration(server.lastLatencyMs)}` : ""}
        </span>
      </header>
      <div className="space-y-3 p-4">
        {server.summary && <p className="font-mono text-xs text-zinc-500">{server.summary}</p>}
        {server.error && <p role="alert" className="text-sm break-words text-red-700 dark:text-red-400">{server.error}</p>}
        {server.status === "needs approval" && <ApproveServer server={server} isAdmin={isAdmin} />}
        {server.stderrTail.length > 0 && (
          <details className="text-xs">
            <summary className="cursor-pointer text-zinc-500">stderr (last {server.stderrTail.length} lines)</summary>
            <JsonBlock value={server.stderrTail.join("\n")} label={`stderr of ${server.name}`} />
          </details>
        )}
        {server.tools.length > 0 && (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {server.tools.map((t) => <ToolRow key={t.name} server={server} tool={t} isAdmin={isAdmin} />)}
          </ul>
        )}
      </div>
    </section>
  );
}

function ApproveServer({ server, isAdmin }: { server: Server; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const [vars, setVars] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
      <p>This entry of <code className="font-mono">{server.source}</code> may have been written by an agent. It starts only after an admin approves exactly this content:</p>
      {server.review && <JsonBlock value={server.review} label={`Entry ${server.name} as written`} />}
      {isAdmin ? (
        <form className="flex flex-wrap items-end gap-2" onSubmit={async (e) => {
          e.preventDefault();
          const r = await approveServerAction({ slug: server.scope, name: server.name, contentHash: server.contentHash, allowedVars: vars.split(/[\s,]+/).filter(Boolean) });
          if (!r.ok) return setError(r.error);
          await queryClient.invalidateQueries({ queryKey: queryKeys.servers() });
        }}>
          <label className="text-xs">Variables it may expand (comma-separated, usually none)
            <Input value={vars} onChange={(e) => setVars(e.target.value)} placeholder="e.g. ACME_WP_TOKEN" />
          </label>
          <Button type="submit" size="sm">Approve this entry</Button>
          <FormError message={error} />
        </form>
      ) : <p className="text-xs">An admin must approve it.</p>}
    </div>
  );
}

function ToolRow({ server, tool, isAdmin }: { server: Server; tool: Tool; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const schema = tool.inputSchema as JsonSchema;
  const [args, setArgs] = useState<Record<string, unknown>>(() => (initialValue(schema) as Record<string, unknown>) ?? {});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ content: unknown[]; isError: boolean; error: string | null; durationMs: number; truncated: boolean; runId: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <li className="py-2.5" aria-label={`Tool ${tool.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <button className="font-mono text-sm font-medium hover:underline" onClick={() => setOpen(!open)} aria-expanded={open}>{tool.name}</button>
        {tool.annotations?.readOnlyHint && <span className="rounded bg-zinc-100 px-1.5 text-xs dark:bg-zinc-800">read-only</span>}
        {tool.annotations?.destructiveHint && <span className="rounded bg-red-50 px-1.5 text-xs text-red-700 dark:bg-red-950 dark:text-red-300">destructive</span>}
        {tool.changed && (
          <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
            changed since accepted{isAdmin && <button className="ml-1 underline" onClick={async () => { await acceptToolChangeAction({ scope: server.scope, server: server.name, tool: tool.name }); await queryClient.invalidateQueries({ queryKey: queryKeys.servers() }); }}>accept</button>}
          </span>
        )}
      </div>
      {tool.description && <p className="mt-0.5 line-clamp-2 text-xs text-zinc-600 dark:text-zinc-400">{tool.description}</p>}
      {open && (
        <form className="mt-3 space-y-3 rounded border border-zinc-200 p-3 dark:border-zinc-800" aria-label={`Call ${tool.name}`} onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          const r = await callToolAction({ server: server.name, tool: tool.name, arguments: (prune(args) as Record<string, unknown>) ?? {} });
          setBusy(false);
          if (!r.ok) return setError(r.error);
          setResult(r.data);
          await queryClient.invalidateQueries({ queryKey: queryKeys.servers() });
          // the call is recorded: the server-rendered list of recent calls shows it
          router.refresh();
        }}>
          <SchemaForm schema={schema} value={args} onChange={setArgs} idPrefix={`${server.name}-${tool.name}`} />
          {isAdmin ? <Button type="submit" size="sm" disabled={busy}>{busy ? "Calling…" : "Call"}</Button> : <p className="text-xs text-zinc-500">Only an admin can call tools directly.</p>}
          <FormError message={error} />
          {result && (
            <div aria-label="Tool result" className="space-y-1">
              <p className="text-xs text-zinc-500">
                {result.isError ? "The tool reported an error" : "Result"} · {formatDuration(result.durationMs)}{result.truncated ? " · truncated" : ""} ·{" "}
                <Link className="underline" href={`/runs/${result.runId}`}>recorded as an ad-hoc call</Link>
              </p>
              {result.isError && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{result.error}</p>}
              <ToolResult result={{ content: result.content }} />
            </div>
          )}
        </form>
      )}
    </li>
  );
}
