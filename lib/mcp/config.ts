// Loads MCP server config: the workspace's mcp.json (admin-owned, trusted) and a client's .mcp.json
// (untrusted: an agent may have written it). A bad entry becomes an error on its own row and never
// hides the others. Nothing here writes config: the web UI can never add or change a server's command.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { prisma } from "@/lib/db/client";
import { dataDir, serverVariables, workspaceDir } from "@/lib/env";
import { SafeError } from "@/lib/errors";
import { isClientSlug, readWorkspaceFile, WORKSPACE_SCOPE } from "@/lib/workspace/paths";
import { canonicalHash } from "@/lib/mcp/canonical-hash";
import { expandString, type ExpandContext } from "@/lib/mcp/expand";
import { DROP_IN_KEYS, SERVER_NAME_PATTERN, ZDisabled, ZMcpFile, ZRemoteServer, ZServerConfig, ZStdioServer, type ServerConfig, type Transport } from "@/lib/mcp/config.schema";

export const MCP_FILE_MAX_BYTES = 256 * 1024;
export const GLOBAL_SCOPE = WORKSPACE_SCOPE;

export type ResolvedServer =
  | { transport: "stdio"; command: string; args: string[]; env: Record<string, string>; cwd?: string; timeoutMs?: number }
  | { transport: "http" | "sse"; url: string; headers: Record<string, string>; timeoutMs?: number };

export type ServerEntry = {
  name: string;
  /** "global" for the workspace's mcp.json, else the client's slug */
  scope: string;
  /** the file it came from, relative to the workspace */
  source: string;
  transport: Transport | null;
  /** "disabled": `"disabled": true` in the entry; listed, never started, and refused with `error` when used */
  state: "ok" | "error" | "needs approval" | "disabled";
  error?: string;
  /** keys of the entry Switchboard read past (other clients' settings such as autoApprove), for a note on /tools */
  ignoredKeys: string[];
  contentHash: string;
  /** ready to start; only when state is "ok" */
  resolved?: ResolvedServer;
  /** expanded values that came from the environment: redacted wherever arguments, errors or output are kept */
  secrets: string[];
  /** what the UI may show: the command's file name or the URL's origin, never env, headers or arguments */
  summary: string;
  /**
   * for an entry awaiting an admin's approval: the whole entry as written (nothing expanded), with env and
   * header values masked (an admin reveals them with `revealClientServerEntry`); for admins only
   */
  review?: string;
  /** a client entry refused whole (too long to review): never started, never approved */
  tooLong?: true;
};

/** A client's entry longer than this (as JSON) is refused whole: reviewed and approved in full, or not at all. */
export const REVIEW_ENTRY_MAX_BYTES = 16 * 1024;
export const MASKED_VALUE = "••••••";

/** The entry with every env and header value masked (their names kept): what an admin reviews by default. */
export function maskedEntry(raw: unknown): unknown {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const mask = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).map((k) => [k, MASKED_VALUE])) : v === undefined ? v : MASKED_VALUE);
  const entry = { ...(raw as Record<string, unknown>) };
  for (const key of ["env", "headers"]) if (key in entry) entry[key] = mask(entry[key]);
  return entry;
}

/** The entry as a review shows it (whole, pretty-printed), or the refusal when it is too long to review. */
export function reviewOf(raw: unknown, source: string, name: string, options: { reveal?: boolean } = {}): { review: string } | { error: string } {
  const bytes = Buffer.byteLength(JSON.stringify(raw, null, 2) ?? "");
  if (bytes > REVIEW_ENTRY_MAX_BYTES) {
    return { error: `${source} mcpServers.${name} is ${Math.ceil(bytes / 1024)} KB; an entry may be at most ${REVIEW_ENTRY_MAX_BYTES / 1024} KB, so it is refused (never started or approved): shorten it` };
  }
  return { review: JSON.stringify(options.reveal ? raw : maskedEntry(raw), null, 2) };
}

/** Variables a config may use besides the environment: where Switchboard, its workspace and data live. */
function builtinVars(): Record<string, string> {
  return { SWITCHBOARD_ROOT: process.cwd(), SWITCHBOARD_WORKSPACE: workspaceDir(), SWITCHBOARD_DATA: dataDir() };
}

function jsonErrorPlace(text: string, message: string): string {
  const pos = /position (\d+)/.exec(message);
  if (!pos) return "";
  const before = text.slice(0, Number(pos[1]));
  const line = before.split("\n").length;
  return `:${line}:${Number(pos[1]) - before.lastIndexOf("\n")}`;
}

type ReadResult = { entries: [string, unknown][]; error?: string; switchboard?: unknown };

/** Reads and parses one config file; a missing file is no servers, a broken one an error naming the place. */
export function readMcpFile(relative: string, root = workspaceDir()): ReadResult {
  let text: string;
  try {
    text = readWorkspaceFile(relative, MCP_FILE_MAX_BYTES, { root });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [] };
    return { entries: [], error: error instanceof SafeError ? error.message : `${relative} cannot be read` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : "invalid JSON";
    return { entries: [], error: `${relative}${jsonErrorPlace(text, message)}: invalid JSON (${message.split(" in JSON")[0]})` };
  }
  const parsed = ZMcpFile.safeParse(raw);
  if (!parsed.success) return { entries: [], error: `${relative}: ${parsed.error.issues[0]?.message ?? 'expected { "mcpServers": { ... } }'}` };
  return { entries: Object.entries(parsed.data.mcpServers), switchboard: parsed.data.switchboard };
}

function summaryOf(config: ServerConfig): string {
  if ("command" in config) return path.basename(config.command) + (config.args[0] ? ` ${path.basename(config.args[0])}` : "");
  try {
    // the scheme and host only: some hosted servers carry their key in the path (…/s/<key>/mcp)
    const url = new URL(config.url);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "(invalid URL)";
  }
}

const OWN_KEYS = new Set([...Object.keys(ZStdioServer.shape), ...Object.keys(ZRemoteServer.shape)]);
const MIN_TIMEOUT_MS = 100;

type DropIn = { config: unknown; ignoredKeys: string[]; disabled: boolean; error?: string };

/**
 * Takes off the keys other clients keep in an entry (DROP_IN_KEYS) so the strict schema sees only
 * Switchboard's own, and reads `disabled`. A `timeout` under 100 is Cline's or Roo's (seconds, default
 * 60), not Switchboard's milliseconds: it is ignored, and the default (60 s) applies.
 */
function readDropIn(raw: unknown, where: string): DropIn {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { config: raw, ignoredKeys: [], disabled: false };
  const config: Record<string, unknown> = {};
  const ignoredKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if ((DROP_IN_KEYS as readonly string[]).includes(key)) ignoredKeys.push(key);
    else if (key === "timeout" && typeof value === "number" && value < MIN_TIMEOUT_MS) ignoredKeys.push(key);
    else if (!OWN_KEYS.has(key)) {
      const known = `Switchboard reads ${[...OWN_KEYS].join(", ")} and ignores ${DROP_IN_KEYS.join(", ")}`;
      return { config, ignoredKeys, disabled: false, error: `${where}: unknown key "${key.slice(0, 64)}" (${known})` };
    } else config[key] = value;
  }
  const disabled = ZDisabled.safeParse((raw as Record<string, unknown>).disabled);
  if (!disabled.success) return { config, ignoredKeys, disabled: false, error: `${where} disabled: ${disabled.error.issues[0]?.message ?? "expected true or false"}` };
  return { config, ignoredKeys: ignoredKeys.filter((k) => k !== "disabled"), disabled: disabled.data === true };
}

function isDisabledEntry(raw: unknown): boolean {
  return !!raw && typeof raw === "object" && (raw as Record<string, unknown>).disabled === true;
}

/** What a disabled entry would run, for the UI, without expanding anything: it never starts. */
function disabledSummary(config: unknown): { transport: Transport | null; summary: string } {
  const parsed = ZServerConfig.safeParse(config);
  if (!parsed.success) return { transport: null, summary: "" };
  return { transport: "command" in parsed.data ? "stdio" : parsed.data.type, summary: summaryOf(parsed.data) };
}

/** The refusal a pipeline step, an agent or an ad-hoc call gets for a disabled server. */
export function disabledMessage(name: string, source: string): string {
  return `The MCP server "${name}" is disabled in ${source} ("disabled": true): it is listed but never started. Remove the key or set it to false to use it`;
}

/** Validates and expands one entry; every problem is reported on the entry itself. */
export function buildEntry(name: string, raw: unknown, scope: string, source: string, ctx: ExpandContext): ServerEntry {
  const base = { name, scope, source, contentHash: canonicalHash(raw), secrets: [] as string[], ignoredKeys: [] as string[] };
  if (!SERVER_NAME_PATTERN.test(name)) {
    return { ...base, transport: null, state: "error", error: `${source}: "${name.slice(0, 64)}" is not a valid server name (letters, digits, _ . -)`, summary: "" };
  }
  const dropIn = readDropIn(raw, `${source} mcpServers.${name}`);
  base.ignoredKeys = dropIn.ignoredKeys;
  if (dropIn.error) return { ...base, transport: null, state: "error", error: dropIn.error, summary: "" };
  // a disabled entry is neither checked further nor expanded: people disable a server that lacks its variables
  if (dropIn.disabled) return { ...base, ...disabledSummary(dropIn.config), state: "disabled", error: disabledMessage(name, source) };
  const parsed = ZServerConfig.safeParse(dropIn.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` ${issue.path.join(".")}` : "";
    return { ...base, transport: null, state: "error", error: `${source} mcpServers.${name}${where}: ${issue?.message ?? "invalid entry"}`, summary: "" };
  }
  const config = parsed.data;
  const transport: Transport = "command" in config ? "stdio" : config.type;
  const problems: string[] = [];
  const secrets = new Set<string>();
  const builtins = builtinVars();
  // env and header values are secrets whatever they hold; anything else that came from the environment too
  const expand = (value: string, isSecret: boolean): string => {
    const r = expandString(value, ctx);
    for (const m of r.missing) problems.push(`\${${m}} is not set`);
    for (const f of r.refused) problems.push(`\${${f}} is not allowed for this client`);
    if (isSecret && r.value.length >= 6) secrets.add(r.value);
    for (const u of r.used) {
      const v = ctx.vars[u];
      if (v && v.length >= 6 && !(u in builtins)) secrets.add(v);
    }
    return r.value;
  };
  let resolved: ResolvedServer;
  if ("command" in config) {
    const command = expand(config.command, false);
    resolved = {
      transport: "stdio",
      // `node` means the Node that runs Switchboard, so servers start the same way on every machine
      command: command === "node" ? process.execPath : command,
      args: config.args.map((a) => expand(a, false)),
      env: Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, expand(v, true)])),
      cwd: config.cwd ? expand(config.cwd, false) : undefined,
      timeoutMs: config.timeout,
    };
  } else {
    const url = expand(config.url, false);
    try {
      const parsedUrl = new URL(url);
      if (parsedUrl.protocol !== "http:" && parsedUrl.protocol !== "https:") problems.push(`url must be http or https`);
      // a key may ride in the path or the query: the whole address is redacted where it appears (an
      // error that quotes it), and so is each query value
      if (parsedUrl.pathname.length > 1 || parsedUrl.search) secrets.add(url);
      for (const value of parsedUrl.searchParams.values()) if (value.length >= 6) secrets.add(value);
    } catch {
      if (!problems.length) problems.push(`url "${config.url.slice(0, 100)}" is not a valid URL`);
    }
    resolved = { transport, url, headers: Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, expand(v, true)])), timeoutMs: config.timeout } as ResolvedServer;
  }
  const summary = summaryOf(config);
  if (problems.length) return { ...base, transport, state: "error", error: `${source} mcpServers.${name}: ${[...new Set(problems)].join("; ")}`, summary, secrets: [...secrets] };
  return { ...base, transport, state: "ok", resolved, secrets: [...secrets], summary };
}

let globalCache: { key: string; value: { entries: ServerEntry[]; fileError?: string } } | null = null;

/** The workspace's servers (trusted: `${VAR}` expands from the whole environment). Re-read when the file changes. */
export function loadGlobalServers(root = workspaceDir()): { entries: ServerEntry[]; fileError?: string } {
  let key = `${root}:missing`;
  try {
    const stat = fs.statSync(path.join(root, "mcp.json"));
    key = `${root}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    // a missing file is no servers; readMcpFile says so
  }
  if (globalCache?.key === key) return globalCache.value;
  const { entries, error } = readMcpFile("mcp.json", root);
  const ctx: ExpandContext = { vars: { ...serverVariables(), ...builtinVars() } };
  const value = { entries: entries.map(([name, raw]) => buildEntry(name, raw, GLOBAL_SCOPE, "mcp.json", ctx)), fileError: error };
  globalCache = { key, value };
  return value;
}

/**
 * A client's own servers. Untrusted: an entry starts only after an admin approved exactly this content
 * (by hash), and `${VAR}` expands only the names that admin allowed; anything else is "needs approval".
 */
export async function loadClientServers(slug: string, root = workspaceDir()): Promise<{ entries: ServerEntry[]; fileError?: string }> {
  if (!isClientSlug(slug)) return { entries: [] };
  const source = `clients/${slug}/.mcp.json`;
  const { entries, error } = readMcpFile(source, root);
  if (!entries.length) return { entries: [], fileError: error };
  const approvals = await prisma.mcpServerApproval.findMany({ where: { scope: slug }, select: { name: true, contentHash: true, allowedVars: true } });
  const result = entries.map(([name, raw]): ServerEntry => {
    // a disabled entry never starts, so there is nothing to approve yet; enabling it changes its hash
    if (isDisabledEntry(raw)) return buildEntry(name, raw, slug, source, { vars: {}, allowed: new Set() });
    const hash = canonicalHash(raw);
    // too long to review whole: refused, approved or not (an approval binds content no one could read)
    const reviewed = reviewOf(raw, source, name);
    if ("error" in reviewed) return { name, scope: slug, source, transport: null, state: "error", contentHash: hash, secrets: [], summary: "", ignoredKeys: [], error: reviewed.error, tooLong: true };
    const approval = approvals.find((a) => a.name === name);
    if (!approval || approval.contentHash !== hash) {
      return {
        name,
        scope: slug,
        source,
        transport: null,
        state: "needs approval",
        contentHash: hash,
        secrets: [],
        summary: "",
        ignoredKeys: [],
        review: reviewed.review,
        error: approval
          ? `${source} mcpServers.${name} changed since an admin approved it; it will not start until approved again`
          : `${source} mcpServers.${name} is new; an admin must approve it on /tools before it starts`,
      };
    }
    const allowed = new Set<string>(JSON.parse(approval.allowedVars) as string[]);
    const vars: Record<string, string | undefined> = {};
    for (const v of allowed) vars[v] = serverVariables()[v];
    return buildEntry(name, raw, slug, source, { vars, allowed });
  });
  return { entries: result, fileError: error };
}

/** Approves one entry of a client's .mcp.json as it is now, allowing it to expand these variables. */
export async function approveClientServer(input: { slug: string; name: string; contentHash: string; allowedVars: string[]; approvedById: string | null }): Promise<void> {
  await prisma.mcpServerApproval.upsert({
    where: { scope_name: { scope: input.slug, name: input.name } },
    create: { scope: input.slug, name: input.name, contentHash: input.contentHash, allowedVars: JSON.stringify(input.allowedVars), approvedById: input.approvedById },
    update: { contentHash: input.contentHash, allowedVars: JSON.stringify(input.allowedVars), approvedById: input.approvedById, approvedAt: new Date() },
  });
}

/** The clients whose folder holds a .mcp.json. */
export function clientsWithServers(root = workspaceDir()): string[] {
  const dir = path.join(root, "clients");
  try {
    return fs.readdirSync(dir).filter((slug) => isClientSlug(slug) && fs.existsSync(path.join(dir, slug, ".mcp.json")));
  } catch {
    return [];
  }
}
