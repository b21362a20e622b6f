// The MCP connection pool: one client per (scope, server), connected on first use, reconnected with
// backoff after the server dies (the SDK does not reconnect by itself), closed when idle, and every
// child process ended when Switchboard stops. One instance per process, on globalThis.
//
// Both protocol revisions: the v2 client negotiates (server/discover first; a server that does not know
// it gets the 2025-11-25 initialize handshake), and the verdict is kept per server and definition, so a
// server is probed once per start of Switchboard, not at every reconnect. A tools/list is kept for the
// ttlMs its server gives (a minute when it gives none), and with the cacheScope it names.
import "server-only";
import { Client, type PriorDiscovery, SSEClientTransport, StreamableHTTPClientTransport, type Tool, type Transport } from "@modelcontextprotocol/client";
import { getDefaultEnvironment } from "@modelcontextprotocol/client/stdio";
import { loadClientServers, loadGlobalServers, type ServerEntry } from "@/lib/mcp/config";
import { elicitationAsk, type InputAsk, type InputHandler, redactAsk, UnanswerableInputRequest } from "@/lib/mcp/input-requests";
import { leakFreeFetch } from "@/lib/mcp/http-fetch";
import { recordToolPins, type ToolPinRow } from "@/lib/mcp/pins";
import { redactText } from "@/lib/mcp/redact";
import { acceptTaskHandles, TASKS_EXTENSION } from "@/lib/mcp/task-wire";
import { StderrTail } from "@/lib/mcp/stderr-tail";
import { GroupStdioTransport } from "@/lib/mcp/stdio-transport";
import { killGroup, signalGroup } from "@/lib/process-group";

const STDERR_MAX_BYTES = 64 * 1024;
const CONNECT_TIMEOUT_MS = 30_000;
const STDIO_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** How long a tools/list is fresh when its server gives no ttlMs (the fixed minute of before). */
export const DEFAULT_TOOLS_TTL_MS = 60_000;
/** A server's ttlMs is honoured up to this: a changed tool is noticed within the hour whatever it says. */
export const MAX_TOOLS_TTL_MS = 60 * 60_000;
/** A tools/list of more pages than this fails (the SDK's walk throws) rather than keep part of a list. */
const TOOLS_MAX_PAGES = 100;
/** A listing that saw the list change (notifications/tools/list_changed) lists again, this many listings at most. */
const MAX_TOOLS_LISTINGS = 3;
/** A stdio server that does not answer server/discover within this is taken for a 2025-era one. */
const PROBE_TIMEOUT_MS = 5_000;

export type ProtocolRevision = { version: string; era: "legacy" | "modern"; probed: boolean };

export type ServerStatus = "not started" | "connecting" | "connected" | "error" | "needs approval" | "disabled";

type Connection = {
  key: string;
  entry: ServerEntry;
  client: Client | null;
  /** set as soon as a start begins: closing it ends a start still under way (and its process group) */
  transport: Transport | null;
  pid: number | null;
  connecting: Promise<Client> | null;
  status: ServerStatus;
  error: string | null;
  /** the revision this connection speaks, once connected */
  revision: ProtocolRevision | null;
  tools: Tool[] | null;
  /** when `tools` was listed (Date.now()) */
  toolsListedAt: number;
  /** how long the list is fresh: its ttlMs (capped), or DEFAULT_TOOLS_TTL_MS */
  toolsTtlMs: number;
  /** the list's cacheScope as its server gave it ("private": it depends on this connection's credentials) */
  toolsCacheScope: "public" | "private" | null;
  /** the tools/list under way, shared by every caller that asks meanwhile */
  toolsLoading: Promise<Tool[]> | null;
  /** bumped by each notifications/tools/list_changed: a listing during which it moved may predate the change */
  toolsGeneration: number;
  changedTools: Set<string>;
  /** each listed tool's pin as recorded at the last listing (or accepted here since) */
  pins: Map<string, ToolPinRow>;
  stderr: StderrTail;
  lastLatencyMs: number | null;
  lastUsedAt: number;
  /** requests under way: an idle close never ends a connection in the middle of a call */
  inFlight: number;
  /** tools/call requests under way, each with who answers its server's questions (elicitation/create) */
  calls: Set<TrackedCall>;
  failures: number;
  retryAt: number;
  /** why the connection was closed (it is out of the pool, and never starts again); null while it is in use */
  closing: string | null;
};

/** A tools/call under way: `onInput` answers an old server's question asked during it (a person, through the engine). */
export type TrackedCall = { onInput?: InputHandler };

export type ConnectionState = {
  status: ServerStatus;
  error: string | null;
  revision: ProtocolRevision | null;
  tools: Tool[] | null;
  toolsTtlMs: number | null;
  toolsCacheScope: "public" | "private" | null;
  lastLatencyMs: number | null;
  stderrTail: string[];
  changedTools: ReadonlySet<string>;
};

// The pool lives on globalThis and is shared by every route bundle, each of which has its own copy of this
// module: an error the pool throws is an instance of the first bundle's class, so `instanceof` in another
// bundle would miss it (and a clear "could not start" became a 500). A global symbol marks it instead.
const UNAVAILABLE = Symbol.for("switchboard.McpUnavailableError");

export class McpUnavailableError extends Error {
  readonly [UNAVAILABLE] = true;
  constructor(message: string) {
    super(message);
    this.name = "McpUnavailableError";
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [UNAVAILABLE]?: boolean })[UNAVAILABLE] === true;
  }
}

/** The freshness of a tools/list: its server's ttlMs, within bounds (0 and less: stale at once). */
export function toolsTtl(ttlMs: number | undefined): number {
  if (ttlMs === undefined) return DEFAULT_TOOLS_TTL_MS;
  return Math.min(Math.max(ttlMs, 0), MAX_TOOLS_TTL_MS);
}

/** Backoff before the next connect after `failures` failed ones: the first retry is immediate. */
export function reconnectDelayMs(failures: number): number {
  return failures <= 1 ? 0 : Math.min(30_000, 1_000 * 2 ** (failures - 2));
}

export class McpPool {
  private readonly connections = new Map<string, Connection>();
  /** what negotiation learned per server and definition (key + contentHash): the next connect skips the probe */
  private readonly eras = new Map<string, PriorDiscovery>();
  /** connects that probed (server/discover) since this pool started, for tests and the bench */
  probes = 0;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;

  constructor(options: { idleMs?: number } = {}) {
    this.idleMs = options.idleMs ?? 10 * 60_000;
  }

  /** The servers a scope sees: the workspace's, plus the client's own (which win on a name clash). */
  async entries(clientSlug?: string | null): Promise<{ entries: ServerEntry[]; fileErrors: string[] }> {
    const global = loadGlobalServers();
    const fileErrors = global.fileError ? [global.fileError] : [];
    if (!clientSlug) return { entries: global.entries, fileErrors };
    const own = await loadClientServers(clientSlug);
    if (own.fileError) fileErrors.push(own.fileError);
    const names = new Set(own.entries.map((e) => e.name));
    return { entries: [...global.entries.filter((e) => !names.has(e.name)), ...own.entries], fileErrors };
  }

  async resolve(server: string, clientSlug?: string | null): Promise<ServerEntry> {
    const { entries } = await this.entries(clientSlug);
    const entry = entries.find((e) => e.name === server);
    if (!entry) throw new McpUnavailableError(`No MCP server named "${server}" in mcp.json${clientSlug ? ` or clients/${clientSlug}/.mcp.json` : ""}`);
    if (entry.state !== "ok") throw new McpUnavailableError(entry.error ?? `The MCP server "${server}" cannot start`);
    return entry;
  }

  private connectionFor(entry: ServerEntry): Connection {
    const key = `${entry.scope}:${entry.name}`;
    let conn = this.connections.get(key);
    if (conn && conn.entry.contentHash !== entry.contentHash) {
      // the config changed: the next use starts the server as it is now written
      void this.closeConnection(conn, "configuration changed");
      conn = undefined;
    }
    if (!conn) {
      conn = {
        key,
        entry,
        client: null,
        transport: null,
        pid: null,
        connecting: null,
        status: "not started",
        error: null,
        revision: null,
        tools: null,
        toolsListedAt: 0,
        toolsTtlMs: DEFAULT_TOOLS_TTL_MS,
        toolsCacheScope: null,
        toolsLoading: null,
        toolsGeneration: 0,
        changedTools: new Set(),
        pins: new Map(),
        stderr: new StderrTail(STDERR_MAX_BYTES),
        lastLatencyMs: null,
        lastUsedAt: Date.now(),
        inFlight: 0,
        calls: new Set(),
        failures: 0,
        retryAt: 0,
        closing: null,
      };
      this.connections.set(key, conn);
    }
    return conn;
  }

  private markDown(conn: Connection, message: string) {
    if (conn.closing) return;
    conn.status = "error";
    const last = conn.stderr.lines(1, conn.entry.secrets).at(-1);
    conn.error = redactText(last ? `${message} (last stderr: ${last.slice(0, 300)})` : message, conn.entry.secrets);
    conn.client = null;
    conn.transport = null;
    conn.pid = null;
    conn.tools = null;
    conn.failures += 1;
    conn.retryAt = Date.now() + reconnectDelayMs(conn.failures);
  }

  private createTransport(conn: Connection): Transport {
    const r = conn.entry.resolved;
    if (!r) throw new McpUnavailableError(conn.entry.error ?? "not startable");
    if (r.transport === "stdio") {
      return new GroupStdioTransport({
        command: r.command,
        args: r.args,
        env: { ...getDefaultEnvironment(), ...r.env },
        cwd: r.cwd,
        maxBufferSize: STDIO_MAX_MESSAGE_BYTES,
        onStderr: (chunk) => conn.stderr.push(chunk.toString("utf8")),
      });
    }
    const requestInit = { headers: r.headers };
    return r.transport === "http" ? new StreamableHTTPClientTransport(new URL(r.url), { requestInit, fetch: leakFreeFetch }) : new SSEClientTransport(new URL(r.url), { requestInit, fetch: leakFreeFetch });
  }

  private async connect(conn: Connection): Promise<Client> {
    if (conn.client) return conn.client;
    if (conn.connecting) return conn.connecting;
    if (this.shuttingDown) throw new McpUnavailableError("Switchboard is shutting down");
    if (conn.closing) throw new McpUnavailableError(`The MCP server "${conn.entry.name}" was closed (${conn.closing})`);
    const wait = conn.retryAt - Date.now();
    if (wait > 0) throw new McpUnavailableError(`${conn.error ?? `The MCP server "${conn.entry.name}" is down`}; next reconnect in ${Math.ceil(wait / 1000)} s`);
    conn.status = "connecting";
    conn.connecting = (async () => {
      const transport = this.createTransport(conn);
      // closeConnection closes it if the connection is closed before the start ends (mcp.json changed, shutdown)
      conn.transport = transport;
      const closedWhileStarting = () => new Error(`The MCP server "${conn.entry.name}" was closed while it was starting (${conn.closing})`);
      const eraKey = `${conn.key}#${conn.entry.contentHash}`;
      const prior = this.eras.get(eraKey);
      const client = new Client(
        { name: "switchboard", version: "0.1.0" },
        {
          // a 2026-07-28 server may answer a tools/call with a task (lib/mcp/tasks.ts polls it); form
          // elicitation: an old server's elicitation/create mid-call goes to the person the call's step waits
          // for (input-requests.ts); a 2026-07-28 server's input_required comes back to the caller
          capabilities: { elicitation: { form: {} }, extensions: { [TASKS_EXTENSION]: {} } },
          // server/discover first; a server that answers it with an error, or (over stdio) not at all, is a
          // 2025-era server and gets the initialize handshake on the same connection
          versionNegotiation: { mode: "auto", probe: { timeoutMs: PROBE_TIMEOUT_MS } },
          // a 2026-07-28 server that asks for input mid-call is answered by a person, never automatically
          inputRequired: { autoFulfill: false },
          // listTools() without a cursor walks every page up to this (the SDK's default is 64)
          listMaxPages: TOOLS_MAX_PAGES,
        },
      );
      let closed = false;
      client.onclose = () => {
        closed = true;
        // a close during the start fails the start, which connect() marks down: once per failed start
        if (conn.client === client) this.markDown(conn, `The MCP server "${conn.entry.name}" closed the connection`);
      };
      client.onerror = (error) => {
        // transport errors on a live connection are logged on the row; a dead process also fires onclose
        if (conn.status === "connected") conn.error = redactText(error.message, conn.entry.secrets);
      };
      client.setRequestHandler("elicitation/create", async (request) => this.elicit(conn, request.params));
      client.setNotificationHandler("notifications/tools/list_changed", async () => {
        // a listing under way when this came is listed again (its answer may predate the change), and this joins it
        conn.toolsGeneration += 1;
        conn.tools = null;
        await this.tools(conn.entry).catch(() => undefined);
      });
      try {
        await client.connect(transport, prior ? { timeout: CONNECT_TIMEOUT_MS, prior } : { timeout: CONNECT_TIMEOUT_MS });
      } catch (error) {
        await client.close().catch(() => undefined);
        if (conn.closing) throw closedWhileStarting();
        // the verdict may be stale (the server was upgraded in place): the next connect probes again
        this.eras.delete(eraKey);
        throw error;
      }
      if (conn.closing) {
        // closed as the start ended: nothing tracks this connection any more, so its server ends here
        await client.close().catch(() => undefined);
        throw closedWhileStarting();
      }
      if (closed) throw new Error("the server closed the connection as it started");
      // the v2 client refuses a task handle in a tools/call answer: it reaches send-call.ts in the result's _meta
      acceptTaskHandles(transport as unknown as Parameters<typeof acceptTaskHandles>[0]);
      if (!prior) this.probes += 1;
      const era = client.getProtocolEra() ?? "legacy";
      const discover = client.getDiscoverResult();
      this.eras.set(eraKey, era === "modern" && discover ? { kind: "modern", discover } : { kind: "legacy" });
      conn.revision = { version: client.getNegotiatedProtocolVersion() ?? "unknown", era, probed: !prior };
      conn.client = client;
      conn.transport = transport;
      conn.pid = transport instanceof GroupStdioTransport ? transport.pid : null;
      conn.status = "connected";
      conn.error = null;
      conn.failures = 0;
      conn.retryAt = 0;
      this.startIdleTimer();
      return client;
    })();
    try {
      return await conn.connecting;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.markDown(conn, `Could not start "${conn.entry.name}": ${message}`);
      throw new McpUnavailableError((conn.closing ? null : conn.error) ?? message);
    } finally {
      conn.connecting = null;
    }
  }

  /** The connected client for a server, connecting on first use. */
  async client(entry: ServerEntry): Promise<{ client: Client; conn: Connection }> {
    const conn = this.connectionFor(entry);
    conn.lastUsedAt = Date.now();
    return { client: await this.connect(conn), conn };
  }

  /**
   * An old server's question during a call (elicitation/create). The request names no call, so it goes to
   * the connection's one call under way; with none or several (which one asked is unknowable) it is
   * cancelled, as is a call nobody can answer (a /tools call) or a question no form can show (URL mode).
   */
  private async elicit(conn: Connection, params: unknown): Promise<{ action: "accept"; content: Record<string, string | number | boolean | string[]> } | { action: "decline" | "cancel" }> {
    const calls = [...conn.calls];
    const handler = calls.length === 1 ? calls[0].onInput : undefined;
    if (!handler) {
      if (calls.length > 1) console.warn(`[mcp] "${conn.entry.name}" asked for input while ${calls.length} calls were under way on its connection: cancelled (which call asked is unknown)`);
      return { action: "cancel" };
    }
    let ask: InputAsk;
    try {
      ask = elicitationAsk(params);
    } catch (error) {
      if (error instanceof UnanswerableInputRequest) return { action: "decline" };
      throw error;
    }
    const answer = await handler(redactAsk(ask, conn.entry.secrets));
    return answer.action === "accept" ? { action: "accept", content: (answer.content ?? {}) as Record<string, string | number | boolean | string[]> } : { action: answer.action };
  }

  /** Tracks a tools/call under way on a connection until the returned function is called. */
  trackCall(conn: Connection, call: TrackedCall): () => void {
    conn.calls.add(call);
    return () => conn.calls.delete(call);
  }

  /** Waits for `request` on a connection; while it is under way, the connection is not closed as idle. */
  async busy<T>(conn: Connection, request: () => Promise<T>): Promise<T> {
    conn.inFlight += 1;
    try {
      return await request();
    } finally {
      conn.inFlight -= 1;
      conn.lastUsedAt = Date.now();
    }
  }

  /**
   * Every tool of a server (all pages of tools/list), cached until the server says the list changed, or:
   * with `fresh`, until the list's own ttlMs has passed (a server need not announce a change); with
   * `maxAgeMs`, until it is older than that (0 or less: list now).
   */
  async tools(entry: ServerEntry, options: { maxAgeMs?: number; fresh?: boolean } = {}): Promise<Tool[]> {
    const { client, conn } = await this.client(entry);
    if (conn.tools) {
      const age = Date.now() - conn.toolsListedAt;
      const maxAge = options.maxAgeMs ?? (options.fresh ? conn.toolsTtlMs : Number.POSITIVE_INFINITY);
      if (maxAge > 0 && age <= maxAge) return conn.tools;
    }
    conn.toolsLoading ??= (async () => {
      for (let listing = 1; ; listing++) {
        const generation = conn.toolsGeneration;
        // the server announced a change while this listing ran: what it listed may predate the change
        const changed = () => conn.toolsGeneration !== generation && listing < MAX_TOOLS_LISTINGS;
        // the SDK's aggregate: every page (up to TOOLS_MAX_PAGES), with the first page's ttlMs and cacheScope.
        // Its response cache is refreshed, never served: freshness is decided here, on that ttlMs (a call
        // gives the SDK the listed definition itself: send-call.ts)
        const result = await this.busy(conn, () => client.listTools(undefined, { cacheMode: "refresh" }));
        const tools = result.tools;
        const ttlMs = typeof result.ttlMs === "number" && Number.isFinite(result.ttlMs) ? result.ttlMs : undefined;
        const cacheScope = result.cacheScope === "public" || result.cacheScope === "private" ? result.cacheScope : undefined;
        if (changed()) continue;
        const pins = await recordToolPins(entry.scope, entry.name, tools, entry.secrets);
        if (changed()) continue;
        conn.pins = pins;
        conn.changedTools = new Set([...pins].filter(([, pin]) => pin.acceptedHash !== pin.seenHash).map(([name]) => name));
        conn.tools = tools;
        // a server that changed its list during every listing: its last one is kept, stale at once
        conn.toolsListedAt = conn.toolsGeneration === generation ? Date.now() : 0;
        conn.toolsTtlMs = toolsTtl(ttlMs);
        conn.toolsCacheScope = cacheScope ?? null;
        return tools;
      }
    })().finally(() => {
      conn.toolsLoading = null;
    });
    return conn.toolsLoading;
  }

  /** Whether this process's list of the server's tools is past its ttl (or missing). */
  toolsStale(entry: ServerEntry): boolean {
    const conn = this.connections.get(`${entry.scope}:${entry.name}`);
    return !conn?.tools || Date.now() - conn.toolsListedAt > conn.toolsTtlMs;
  }

  /** The tool's pin as of this process's last listing; a caller about to refuse reads the database again. */
  cachedPin(entry: ServerEntry, tool: string): ToolPinRow | undefined {
    return this.connections.get(`${entry.scope}:${entry.name}`)?.pins.get(tool);
  }

  /** An admin accepted this definition of the tool: it is no longer flagged here. */
  markToolAccepted(scope: string, server: string, tool: string, pin: ToolPinRow) {
    const conn = this.connections.get(`${scope}:${server}`);
    conn?.changedTools.delete(tool);
    conn?.pins.set(tool, pin);
  }

  recordLatency(entry: ServerEntry, ms: number) {
    const conn = this.connections.get(`${entry.scope}:${entry.name}`);
    if (conn) conn.lastLatencyMs = ms;
  }

  /**
   * What this process knows of a server it started with `entry`'s configuration (status, error, tools,
   * latency, stderr tail with the entry's secrets redacted); null when it has not, or started it with
   * another configuration since changed.
   */
  connectionState(entry: ServerEntry): ConnectionState | null {
    const conn = this.connections.get(`${entry.scope}:${entry.name}`);
    if (!conn || conn.entry.contentHash !== entry.contentHash) return null;
    return {
      status: conn.status,
      error: conn.error,
      revision: conn.revision,
      tools: conn.tools,
      toolsTtlMs: conn.tools ? conn.toolsTtlMs : null,
      toolsCacheScope: conn.toolsCacheScope,
      lastLatencyMs: conn.lastLatencyMs,
      stderrTail: conn.stderr.lines(20, conn.entry.secrets),
      changedTools: conn.changedTools,
    };
  }

  private async closeConnection(conn: Connection, reason: string) {
    conn.closing = reason;
    this.connections.delete(conn.key);
    const { client, transport, pid } = conn;
    conn.client = null;
    // a connected server ends with its client's close; one still starting has only its transport, whose close
    // ends its process group and fails the start (connect throws "was closed while it was starting")
    if (client) await client.close().catch(() => undefined);
    else await transport?.close().catch(() => undefined);
    // the transport's close ends the group; this is for whatever of it outlived that close
    await killGroup(pid);
  }

  private startIdleTimer() {
    if (this.idleTimer) return;
    this.idleTimer = setInterval(
      () => {
        const now = Date.now();
        for (const conn of this.connections.values()) {
          if (conn.client && conn.inFlight === 0 && now - conn.lastUsedAt > this.idleMs) void this.closeConnection(conn, "idle");
        }
      },
      Math.min(60_000, this.idleMs),
    );
    this.idleTimer.unref();
  }

  /** Process ids of the stdio servers this pool started and that are still running (each leads its own process group). */
  childPids(): number[] {
    return [...this.connections.values()].map((c) => c.pid).filter((p): p is number => p !== null);
  }

  /** Closes every connection and ends every child process. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    await Promise.all([...this.connections.values()].map((c) => this.closeConnection(c, "shutdown")));
    this.shuttingDown = false;
  }
}

const globalForPool = globalThis as unknown as { switchboardMcpPool?: McpPool };

export function getMcpPool(): McpPool {
  if (!globalForPool.switchboardMcpPool) {
    const pool = new McpPool();
    globalForPool.switchboardMcpPool = pool;
    // no orphans: whatever way the process ends (process.exit included), every MCP server's whole
    // process group ends with it; an 'exit' handler may only do synchronous work, and kill is synchronous
    process.once("exit", () => {
      for (const pgid of pool.childPids()) signalGroup(pgid, "SIGKILL");
    });
  }
  return globalForPool.switchboardMcpPool;
}
