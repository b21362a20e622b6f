"use client";
// Every MCP server with its status; each folds its tools away until opened, and the filter box narrows
// servers and tools by name and description as one types (a filter match opens the servers it keeps).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { FormError, Input } from "@/components/ui/field";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatDuration, formatNumber } from "@/lib/format";
import { queryKeys } from "@/components/query-keys";
import type { Serialized } from "@/components/serialized";
import { JsonBlock } from "@/components/runs/tool-result";
import { ServerNotes } from "@/components/tools/server-notes";
import { filterServers } from "@/components/tools/tool-filter";
import type { ServerInfo } from "@/lib/mcp/servers";
import { approveServerAction, revealServerAction } from "./actions";
import { ToolRow } from "./tool-row";

type Listing = { servers: Serialized<ServerInfo>[]; fileErrors: string[] };
type Server = Listing["servers"][number];
type Tool = Server["tools"][number];

const keyOf = (s: Server) => `${s.scope}:${s.name}`;

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
  const [query, setQuery] = useState("");
  // servers the user opened or closed by hand; a new query starts again from "open what matches"
  const [folding, setFolding] = useState<Record<string, boolean>>({});
  const shown = useMemo(() => filterServers<Tool, Server>(listing.servers, query), [listing.servers, query]);
  const filtering = query.trim() !== "";
  const toolTotal = listing.servers.reduce((n, s) => n + s.tools.length, 0);
  return (
    <div className="space-y-4">
      {listing.fileErrors.map((e) => (
        <FormError key={e} message={e} />
      ))}
      {listing.servers.length === 0 ? (
        <EmptyState title="No MCP servers configured">
          Add servers to <code className="font-mono">mcp.json</code> in the workspace, in the same <code className="font-mono">mcpServers</code> format as Claude Code&apos;s .mcp.json.
        </EmptyState>
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <Input
            type="search"
            aria-label="Filter tools"
            placeholder={`Filter ${formatNumber(toolTotal)} tools by server, name or description`}
            className="max-w-md"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setFolding({});
            }}
          />
          {isFetching && (
            <p role="status" className="text-xs text-zinc-500">
              Connecting to servers…
            </p>
          )}
        </div>
      )}
      {filtering && shown.length === 0 && (
        <p role="status" className="text-sm text-zinc-500">
          No tools match “{query.trim()}”. Try part of a tool&apos;s name, a word of its description or a server&apos;s name.
        </p>
      )}
      {shown.map(({ server, tools }) => (
        <ServerCard
          key={keyOf(server)}
          server={server}
          tools={tools}
          isAdmin={isAdmin}
          filtering={filtering}
          open={folding[keyOf(server)] ?? filtering}
          onToggle={() => setFolding((f) => ({ ...f, [keyOf(server)]: !(f[keyOf(server)] ?? filtering) }))}
        />
      ))}
    </div>
  );
}

function ServerCard({ server, tools, isAdmin, filtering, open, onToggle }: { server: Server; tools: Tool[]; isAdmin: boolean; filtering: boolean; open: boolean; onToggle: () => void }) {
  const bodyId = `tools-of-${server.scope}-${server.name}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const count = server.toolCount !== null ? (filtering && tools.length !== server.toolCount ? `${tools.length} of ${server.toolCount} tools` : `${server.toolCount} tools`) : "";
  return (
    <section aria-label={`Server ${server.name}`} className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <header className="flex flex-wrap items-center gap-2 px-4 py-2.5">
        <h2 className="font-semibold">
          <button type="button" className="flex items-center gap-1.5 hover:underline" aria-expanded={open} aria-controls={bodyId} onClick={onToggle}>
            <span aria-hidden className="inline-block w-3 text-xs text-zinc-500">
              {open ? "▾" : "▸"}
            </span>
            {server.name}
          </button>
        </h2>
        <StatusBadge status={server.status} />
        <span className="text-xs text-zinc-500">
          {server.transport ?? "?"} · {server.scope === "global" ? "workspace" : `client ${server.scope}`} · {server.source}
        </span>
        {server.revision && (
          <span className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300" title={revisionTitle(server)}>
            MCP {server.revision}
          </span>
        )}
        <span className="ml-auto text-xs text-zinc-500">
          {count}
          {server.lastLatencyMs !== null ? ` · last call ${formatDuration(server.lastLatencyMs)}` : ""}
        </span>
      </header>
      <div className="space-y-3 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
        {server.summary && <p className="font-mono text-xs text-zinc-500">{server.summary}</p>}
        <ServerNotes server={server} />
        {server.error && (
          <p role="alert" className="text-sm break-words text-red-700 dark:text-red-400">
            {server.error}
          </p>
        )}
        {server.status === "needs approval" && <ApproveServer server={server} isAdmin={isAdmin} />}
        {server.stderrTail.length > 0 && (
          <details className="text-xs">
            <summary className="cursor-pointer text-zinc-500">stderr (last {server.stderrTail.length} lines)</summary>
            <JsonBlock value={server.stderrTail.join("\n")} label={`stderr of ${server.name}`} />
          </details>
        )}
        {open && (
          <div id={bodyId}>
            {tools.length > 0 ? (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label={`Tools of ${server.name}`}>
                {tools.map((t) => (
                  <ToolRow key={t.name} server={server} tool={t} isAdmin={isAdmin} />
                ))}
              </ul>
            ) : (
              <p className="text-xs text-zinc-500">{server.status === "connected" ? "This server lists no tools." : "Its tools are listed once it is connected."}</p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

function ApproveServer({ server, isAdmin }: { server: Server; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const [vars, setVars] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  return (
    <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
      <p>
        This entry of <code className="font-mono">{server.source}</code> may have been written by an agent. It starts only after an admin approves exactly this content{server.review ? ":" : "."}
      </p>
      {server.review && <JsonBlock value={revealed ?? server.review} label={`Entry ${server.name} as written`} />}
      {isAdmin && server.review && !revealed && (
        <Button
          type="button"
          variant="secondary"
          size="sm"
          onClick={async () => {
            const r = await revealServerAction({ slug: server.scope, name: server.name, contentHash: server.contentHash });
            if (!r.ok) return setError(r.error);
            setRevealed(r.data.review);
          }}
        >
          Reveal env and header values
        </Button>
      )}
      {isAdmin ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await approveServerAction({ slug: server.scope, name: server.name, contentHash: server.contentHash, allowedVars: vars.split(/[\s,]+/).filter(Boolean) });
            if (!r.ok) return setError(r.error);
            await queryClient.invalidateQueries({ queryKey: queryKeys.servers() });
          }}
        >
          <label className="text-xs">
            Variables it may expand (comma-separated, usually none)
            <Input value={vars} onChange={(e) => setVars(e.target.value)} placeholder="e.g. ACME_WP_TOKEN" />
          </label>
          <Button type="submit" size="sm">
            Approve this entry
          </Button>
          <FormError message={error} />
        </form>
      ) : (
        <p className="text-xs">An admin must approve it.</p>
      )}
    </div>
  );
}

/** What the revision badge says on hover: what the revision means, and how long the tool list is kept. */
function revisionTitle(server: { revision: string | null; toolsTtlMs: number | null; toolsCacheScope: "public" | "private" | null }): string {
  const era = server.revision && server.revision >= "2026-07-28" ? "stateless revision, negotiated with server/discover" : "2025-era revision, initialize handshake";
  const ttl = server.toolsTtlMs === null ? "" : `; tool list kept ${formatDuration(server.toolsTtlMs)}${server.toolsCacheScope ? ` (${server.toolsCacheScope})` : ""}`;
  return `Protocol revision ${server.revision}: ${era}${ttl}`;
}
