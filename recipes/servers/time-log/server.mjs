#!/usr/bin/env node
// @ts-check
// A small MCP server (stdio) with one tool, write_time_log: it reads each client's day from Switchboard's
// own MCP server (/api/mcp, with a read-only API token; no agent, no model, no tokens spent) and appends
// a dated entry to clients/<slug>/time-log.md: the runs with their steps and durations, the drafts
// decided, and the spend. A client with nothing that day gets no entry; a day already logged is skipped,
// so a retried run writes nothing twice. Configuration:
//   argv[2]                 the workspace folder (the files are written under its clients/)
//   SWITCHBOARD_URL         where Switchboard answers, e.g. http://localhost:3000 (/api/mcp is added)
//   SWITCHBOARD_READ_TOKEN  an API token with the read scope (made on /settings)
import fs from "node:fs";
import path from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RUNS = 100;

function settings() {
  const root = process.argv[2];
  if (!root) throw new Error("Start this server with the workspace folder as its argument");
  const base = (process.env.SWITCHBOARD_URL ?? "").trim().replace(/\/+$/, "");
  const token = (process.env.SWITCHBOARD_READ_TOKEN ?? "").trim();
  if (!/^https?:\/\//.test(base)) throw new Error("SWITCHBOARD_URL must be Switchboard's address, e.g. http://localhost:3000");
  if (!token) throw new Error("SWITCHBOARD_READ_TOKEN is not set: make an API token with the read scope on /settings");
  return { root: fs.realpathSync(root), url: `${base}/api/mcp`, token };
}

/** @param {string} day "today", "yesterday" or YYYY-MM-DD (UTC days, as Switchboard's run filters) */
function resolveDay(day) {
  if (DAY.test(day)) return day;
  const now = new Date();
  if (day === "yesterday") now.setUTCDate(now.getUTCDate() - 1);
  else if (day !== "today") throw new Error(`day must be "today", "yesterday" or YYYY-MM-DD (got "${day}")`);
  return now.toISOString().slice(0, 10);
}

/**
 * @param {Client} client
 * @param {string} name
 * @param {Record<string, unknown>} args
 * @returns {Promise<any>}
 */
async function call(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  const text = Array.isArray(result.content) ? result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n") : "";
  if (result.isError) throw new Error(`Switchboard's ${name} failed: ${text}`);
  return result.structuredContent;
}

/** @param {number | null} ms */
function duration(ms) {
  if (ms === null || ms === undefined) return "not finished";
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** @param {number} usd */
const money = (usd) => `$${usd.toFixed(2)}`;

/**
 * The client's folder, inside the workspace after symlinks are resolved, and its time-log.md path.
 * @param {string} root
 * @param {string} slug
 */
function logFile(root, slug) {
  if (!SLUG.test(slug)) throw new Error(`"${slug}" is not a client slug`);
  const clients = fs.realpathSync(path.join(root, "clients"));
  const folder = fs.realpathSync(path.join(clients, slug));
  if (path.dirname(folder) !== clients || !folder.startsWith(root + path.sep)) throw new Error(`clients/${slug} leads out of the workspace`);
  return path.join(folder, "time-log.md");
}

/** @param {unknown} error @param {string} file */
function refuseLink(error, file) {
  if (/** @type {NodeJS.ErrnoException} */ (error).code === "ELOOP")
    return new Error(`${path.basename(path.dirname(file))}/time-log.md is a symbolic link: refused (the log is written only as a plain file in the client's folder)`);
  return error;
}

/**
 * Appends without following a symlink planted at time-log.md.
 * @param {string} file
 * @param {string} text
 */
function appendNoFollow(file, text) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    throw refuseLink(error, file);
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/** @param {string} file */
function readNoFollow(file) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return "";
    throw refuseLink(error, file);
  }
  try {
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One client's entry for the day, or null when there is nothing to log.
 * @param {Client} client
 * @param {string} slug
 * @param {string} day
 */
async function entryFor(client, slug, day) {
  const history = await call(client, "client_history", { client: slug, from: day, to: day, limit: MAX_RUNS });
  const decided = history.drafts.filter((/** @type {any} */ d) => d.status !== "pending");
  if (history.runs.length === 0 && decided.length === 0) return null;
  const lines = [`## ${day}`, ""];
  let cost = 0;
  for (const r of [...history.runs].reverse()) {
    const run = await call(client, "get_run", { run: r.id });
    cost += r.costUsd ?? 0;
    const at = String(r.createdAt).slice(11, 16);
    lines.push(`- ${at} UTC ${run.pipelineName}: ${run.status}, ${duration(run.durationMs)}${r.costUsd ? `, ${money(r.costUsd)}` : ""}${r.tokens ? `, ${r.tokens} tokens` : ""}`);
    for (const s of run.steps) lines.push(`  - ${s.id} (${s.kind}): ${s.status}, ${duration(s.durationMs)}`);
  }
  for (const d of decided) lines.push(`- Draft "${String(d.title).replace(/\s+/g, " ").slice(0, 200)}" ${d.status}${d.decidedBy ? ` by ${d.decidedBy}` : ""} (version ${d.version})`);
  lines.push(`- Spent this day: ${money(cost)}; this month: ${money(history.spend.monthUsd)}${history.spend.budgetUsd ? ` of ${money(history.spend.budgetUsd)}` : ""}`, "", "");
  return lines.join("\n");
}

/** One server per connection (serveStdio pins one for the process): the same tool on both protocol revisions. */
function timeLogServer() {
  const server = new McpServer({ name: "time-log", version: "1.0.0" });

  server.registerTool(
    "write_time_log",
    {
      title: "Write the day's time log",
      description: "Reads each client's day from Switchboard's MCP server and appends a dated entry to clients/<slug>/time-log.md; clients with nothing that day, and days already logged, are skipped.",
      inputSchema: z.object({ day: z.string().default("yesterday").describe('"today", "yesterday" (the default) or YYYY-MM-DD, a UTC day') }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ day }) => {
      const { root, url, token } = settings();
      const date = resolveDay(day);
      // Switchboard's own server speaks 2026-07-28: no initialize, no session, one request per call
      const client = new Client({ name: "time-log", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      /** @type {string[]} */ const written = [];
      /** @type {string[]} */ const skipped = [];
      /** @type {string[]} */ const already = [];
      /** @type {string[]} */ const failed = [];
      try {
        const { items } = await call(client, "list_clients", {});
        for (const c of items) {
          // one client's refused folder or file does not keep the others' logs from being written
          try {
            const file = logFile(root, c.slug);
            const logged = readNoFollow(file);
            if (logged.startsWith(`## ${date}\n`) || logged.includes(`\n## ${date}\n`)) {
              already.push(c.slug);
              continue;
            }
            const entry = await entryFor(client, c.slug, date);
            if (!entry) {
              skipped.push(c.slug);
              continue;
            }
            appendNoFollow(file, entry);
            written.push(c.slug);
          } catch (error) {
            failed.push(`${c.slug}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      } finally {
        await client.close();
      }
      const text = `Time log for ${date}: written for ${written.join(", ") || "no client"}; nothing to log for ${skipped.join(", ") || "no client"}${already.length ? `; already logged: ${already.join(", ")}` : ""}${failed.length ? `; not written: ${failed.join("; ")}` : ""}`;
      if (failed.length) return { content: [{ type: "text", text }], isError: true };
      return { content: [{ type: "text", text }], structuredContent: { day: date, written, skipped, already } };
    },
  );

  return server;
}

// both revisions over stdio: 2025-11-25 clients open with initialize, 2026-07-28 clients with server/discover
serveStdio(timeLogServer);
