// What the /tools page and the MCP API do: list servers (optionally connecting them first), approve a
// client's server, accept a changed tool. An admin's ad-hoc tool call is the engine's (adhoc-calls.ts).
import { recordAudit, type Actor } from "@/lib/audit";
import { SafeError } from "@/lib/errors";
import type { Tool } from "@modelcontextprotocol/client";
import { canonicalHash } from "@/lib/mcp/canonical-hash";
import { approveClientServer, clientsWithServers, GLOBAL_SCOPE, loadClientServers, readMcpFile, reviewOf } from "@/lib/mcp/config";
import { SERVER_NAME_PATTERN } from "@/lib/mcp/config.schema";
import { acceptToolChange, toolHash } from "@/lib/mcp/pins";
import { getMcpPool, McpUnavailableError, type McpPool, type ServerStatus } from "@/lib/mcp/pool";
import { redactText, redactValue } from "@/lib/mcp/redact";
import { isSlug } from "@/lib/workspace/paths";

/** An admin with an admin's full rights (a session, or an admin-scope token): who starts servers and reviews entries. */
function isAdminViewer(viewer: { role: string; tokenScope?: string }): boolean {
  return viewer.role === "admin" && (viewer.tokenScope === undefined || viewer.tokenScope === "admin");
}

export type ServerInfo = {
  name: string;
  scope: string;
  source: string;
  transport: string | null;
  status: ServerStatus;
  error: string | null;
  summary: string;
  contentHash: string;
  toolCount: number | null;
  lastLatencyMs: number | null;
  stderrTail: string[];
  review: string | null;
  /** the protocol revision the server speaks (2026-07-28 or 2025-11-25...), once this process connected */
  revision: string | null;
  /** how long its tools/list is kept (its ttlMs within bounds, or the default minute), and its cacheScope */
  toolsTtlMs: number | null;
  toolsCacheScope: "public" | "private" | null;
  /** keys of the entry that Switchboard read past (other clients' settings), shown as a note on /tools */
  ignoredKeys: string[];
  /** `hash` is the definition as listed: accepting a change accepts exactly this hash */
  tools: { name: string; title?: string; description: string; annotations: Tool["annotations"] | null; inputSchema: Tool["inputSchema"]; changed: boolean; hash: string }[];
};

/** Servers for /tools and GET /api/mcp/servers: status, tools, stderr tail; no env, headers or arguments. */
export async function listServers(options: { connect?: boolean; connectTimeoutMs?: number } = {}, pool: McpPool = getMcpPool()): Promise<{ servers: ServerInfo[]; fileErrors: string[] }> {
  const global = await pool.entries(null);
  const scoped = await Promise.all(clientsWithServers().map(async (slug) => (await loadClientServers(slug)).entries));
  const all = [...global.entries, ...scoped.flat()];
  if (options.connect) {
    const timeout = options.connectTimeoutMs ?? 10_000;
    await Promise.all(all.filter((e) => e.state === "ok").map((e) => Promise.race([pool.tools(e).catch(() => undefined), new Promise((r) => setTimeout(r, timeout).unref())])));
  }
  const servers = all.map((entry): ServerInfo => {
    const conn = pool.connectionState(entry);
    const status: ServerStatus = entry.state !== "ok" ? entry.state : conn ? conn.status : "not started";
    const tools = conn?.status === "connected" ? (conn.tools ?? []) : [];
    return {
      name: entry.name,
      scope: entry.scope,
      source: entry.source,
      transport: entry.transport,
      status,
      // a disabled server is not in error: its status says it all, and its refusal is for callers
      error: entry.state === "disabled" ? null : entry.state !== "ok" ? (entry.error ?? null) : (conn?.error ?? null),
      summary: entry.summary,
      contentHash: entry.contentHash,
      toolCount: conn?.tools ? conn.tools.length : null,
      lastLatencyMs: conn?.lastLatencyMs ?? null,
      revision: conn?.status === "connected" ? (conn.revision?.version ?? null) : null,
      toolsTtlMs: conn?.status === "connected" ? conn.toolsTtlMs : null,
      toolsCacheScope: conn?.status === "connected" ? conn.toolsCacheScope : null,
      stderrTail: conn?.stderrTail ?? [],
      review: entry.review ?? null,
      ignoredKeys: entry.ignoredKeys,
      // a tool's description and schema are the server's words: its secrets are redacted like its results
      tools: tools.map((t) => ({
        name: t.name,
        title: t.title,
        description: redactText(t.description ?? "", entry.secrets),
        annotations: t.annotations ?? null,
        inputSchema: redactValue(t.inputSchema, entry.secrets) as Tool["inputSchema"],
        changed: conn?.changedTools.has(t.name) ?? false,
        hash: toolHash(t),
      })),
    };
  });
  return { servers, fileErrors: global.fileErrors };
}

/**
 * Every server with its status and tools. `connect` starts the servers not yet running so their tools are
 * listed; starting a server runs its command, so only an admin's request may (INTERFACES.md); anyone
 * else's lists what is running. A client entry's review (its content, env and header names) goes to
 * admins only: operators and read or run tokens see that it waits, not what it holds.
 */
export async function listMcpServers(connect: boolean, viewer: { role: string; tokenScope?: string }) {
  const admin = isAdminViewer(viewer);
  const listing = await listServers({ connect: connect && admin, connectTimeoutMs: 8_000 });
  return admin ? listing : { ...listing, servers: listing.servers.map((server) => ({ ...server, review: null })) };
}

/**
 * A client entry awaiting approval as written, env and header values unmasked: an admin's explicit
 * "reveal" (audited). `contentHash` is the entry the admin is looking at; refused when it changed since.
 */
export async function revealClientServerEntry(input: { slug: string; name: string; contentHash: string }, actor: Actor): Promise<{ review: string }> {
  if (!isSlug(input.slug) || !SERVER_NAME_PATTERN.test(input.name)) throw new SafeError("Unknown server");
  const { entries } = readMcpFile(`clients/${input.slug}/.mcp.json`);
  const raw = entries.find(([name]) => name === input.name)?.[1];
  if (raw === undefined || canonicalHash(raw) !== input.contentHash) throw new SafeError("This server's entry changed since you loaded the page; review it again", 409);
  const reviewed = reviewOf(raw, `clients/${input.slug}/.mcp.json`, input.name, { reveal: true });
  if ("error" in reviewed) throw new SafeError(reviewed.error, 422);
  await recordAudit({ actor, action: "mcp.reveal", targetType: "mcp-server", targetId: `${input.slug}/${input.name}`, data: { contentHash: input.contentHash } });
  return reviewed;
}

export async function approveClientServerEntry(input: { slug: string; name: string; contentHash: string; allowedVars: string[] }, actor: Actor) {
  if (!isSlug(input.slug) || !SERVER_NAME_PATTERN.test(input.name)) throw new SafeError("Unknown server");
  const { entries } = await loadClientServers(input.slug);
  const entry = entries.find((e) => e.name === input.name);
  // approval is of the content the admin looked at: if the file changed since, they must look again
  if (!entry || entry.contentHash !== input.contentHash) throw new SafeError("This server's entry changed since you loaded the page; review it again", 409);
  // an entry refused whole (too long to review) cannot be approved
  if (entry.tooLong) throw new SafeError(entry.error ?? "This entry is too long to review", 422);
  const vars = input.allowedVars.filter((v) => /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(v));
  await approveClientServer({ ...input, allowedVars: vars, approvedById: actor.id ?? null });
  await recordAudit({ actor, action: "mcp.approve", targetType: "mcp-server", targetId: `${input.slug}/${input.name}`, data: { contentHash: input.contentHash, allowedVars: vars } });
}

/** Accepts the tool definition the admin reviewed (its hash came with the form); refused when it changed since. */
export async function acceptChangedTool(input: { scope: string; server: string; tool: string; hash: string }, actor: Actor) {
  if (!(input.scope === GLOBAL_SCOPE || isSlug(input.scope)) || !SERVER_NAME_PATTERN.test(input.server)) throw new SafeError("Unknown server");
  // compare with what the server lists now, not with an old list: a server need not announce a change
  const pool = getMcpPool();
  try {
    const entry = await pool.resolve(input.server, input.scope === GLOBAL_SCOPE ? null : input.scope);
    if (entry.scope === input.scope) await pool.tools(entry, { maxAgeMs: 0 });
  } catch (error) {
    // an unreachable server: what it listed last (the pin's seen hash) is what the admin is compared with
    if (!(error instanceof McpUnavailableError)) throw error;
  }
  const pin = await acceptToolChange(input.scope, input.server, input.tool, input.hash);
  pool.markToolAccepted(input.scope, input.server, input.tool, pin);
  await recordAudit({ actor, action: "mcp.accept-tool-change", targetType: "mcp-tool", targetId: `${input.scope}/${input.server}/${input.tool}`, data: { hash: input.hash } });
}
