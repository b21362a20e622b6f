#!/usr/bin/env node
// @ts-check
// A small MCP server (stdio) for FreeScout's API (the "API & Webhooks" module): list conversations,
// read one with its threads, post a reply, add a note. No npm MCP server for FreeScout exists, so the
// project keeps this one. Configuration comes from the environment:
//   FREESCOUT_URL      the helpdesk's address, e.g. https://help.example.com (the API is under /api)
//   FREESCOUT_API_KEY  the key from "Manage > API & Webhooks", sent as X-FreeScout-API-Key
//   FREESCOUT_USER_ID  the FreeScout user replies and notes are written as (a tool argument may override it)
// Every non-2xx answer becomes a tool error that names the status, the request and FreeScout's message.
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const REQUEST_TIMEOUT_MS = 30_000;
const ERROR_BODY_MAX = 500;
// with unanswered: true, at most this many pages of 50 are read (the oldest open tickets come first with order: oldest)
const MAX_SCAN_PAGES = 10;

/** @returns {{ base: string, key: string }} */
function settings() {
  const base = (process.env.FREESCOUT_URL ?? "").trim().replace(/\/+$/, "");
  const key = (process.env.FREESCOUT_API_KEY ?? "").trim();
  if (!base) throw new Error("FREESCOUT_URL is not set: give the helpdesk's address (e.g. https://help.example.com) in this server's env");
  if (!/^https?:\/\//.test(base)) throw new Error(`FREESCOUT_URL must start with http:// or https:// (got "${base}")`);
  if (!key) throw new Error("FREESCOUT_API_KEY is not set: create a key in FreeScout under Manage > API & Webhooks");
  return { base, key };
}

/** @param {number | undefined} given */
function userId(given) {
  if (given !== undefined) return given;
  const raw = (process.env.FREESCOUT_USER_ID ?? "").trim();
  const id = Number(raw);
  if (!raw || !Number.isInteger(id) || id < 1) throw new Error("FREESCOUT_USER_ID is not set: FreeScout needs the id of the user a reply or note is written as (or pass user_id)");
  return id;
}

/**
 * One API request; JSON in and out. A non-2xx answer throws with the status and FreeScout's own message.
 * @param {"GET" | "POST"} method
 * @param {string} path  below /api, with its query string
 * @param {unknown} [body]
 * @param {AbortSignal} [signal]
 * @returns {Promise<{ status: number, json: any, headers: Headers }>}
 */
async function api(method, path, body, signal) {
  const { base, key } = settings();
  const url = `${base}/api${path}`;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: { "X-FreeScout-API-Key": key, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new Error(`FreeScout could not be reached at ${base} (${method} /api${path.split("?")[0]}): ${reason}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.trim();
    try {
      const parsed = JSON.parse(text);
      // FreeScout's errors: { message, _embedded: { errors: [{ path, message }] } }
      const details = (parsed?._embedded?.errors ?? []).map((/** @type {{ path?: string, message?: string }} */ e) => `${e.path ? `${e.path}: ` : ""}${e.message ?? ""}`);
      message = [parsed?.message, ...details].filter(Boolean).join("; ") || message;
    } catch {
      // not JSON: the text as it came
    }
    const hint = res.status === 401 ? " (check FREESCOUT_API_KEY)" : res.status === 404 ? " (no such conversation, or the API & Webhooks module is not enabled)" : "";
    throw new Error(`FreeScout answered ${res.status} ${res.statusText} to ${method} /api${path.split("?")[0]}${hint}${message ? `: ${message.slice(0, ERROR_BODY_MAX)}` : ""}`);
  }
  let json = null;
  if (text.trim()) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`FreeScout answered ${method} /api${path.split("?")[0]} with something that is not JSON`);
    }
  }
  return { status: res.status, json, headers: res.headers };
}

const ENTITIES = /** @type {Record<string, string>} */ ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: " " });

/** FreeScout keeps thread bodies as HTML: the text a person (or an agent) reads. @param {unknown} html */
function htmlToText(html) {
  if (typeof html !== "string") return "";
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|blockquote|h[1-6])>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e) => ENTITIES[e])
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Plain text (or light markdown) as the HTML FreeScout's editor keeps: escaped, paragraphs and line breaks. @param {string} text */
function textToHtml(text) {
  const escapeHtml = (/** @type {string} */ s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/** @param {any} person */
function personOf(person) {
  if (!person || typeof person !== "object") return null;
  const name = [person.firstName, person.lastName].filter(Boolean).join(" ");
  return { id: person.id ?? null, type: person.type ?? null, email: person.email ?? null, name: name || null };
}

/** Threads oldest first (FreeScout lists the newest first). @param {any} conversation */
function threadsOf(conversation) {
  const threads = Array.isArray(conversation?._embedded?.threads) ? [...conversation._embedded.threads] : [];
  return threads.sort((a, b) => String(a.createdAt ?? "").localeCompare(String(b.createdAt ?? "")) || (Number(a.id) || 0) - (Number(b.id) || 0));
}

/**
 * Whether the customer waits for an answer: the latest thread is the customer's (no reply and no note
 * after it). A note after it counts as "someone took it", which is how the reply recipe marks a
 * conversation it is drafting for.
 * @param {any} conversation
 */
function isUnanswered(conversation) {
  const threads = threadsOf(conversation).filter((t) => t.type !== "lineitem" && t.state !== "draft");
  const last = threads.at(-1);
  if (last) return last.type === "customer";
  return conversation?.customerWaitingSince?.latestReplyFrom === "customer";
}

/** @param {any} c */
function summary(c) {
  return {
    id: c.id,
    number: c.number ?? null,
    subject: c.subject ?? "",
    status: c.status ?? null,
    mailboxId: c.mailboxId ?? null,
    customer: personOf(c.customer ?? c.createdBy),
    preview: typeof c.preview === "string" ? c.preview : "",
    createdAt: c.createdAt ?? null,
    updatedAt: c.updatedAt ?? c.userUpdatedAt ?? null,
  };
}

/** @param {unknown} value */
const asJsonText = (value) => JSON.stringify(value, null, 2);

/** One server per connection (serveStdio pins one for the process): the same tools on both protocol revisions. */
function freescoutServer() {
  const server = new McpServer({ name: "switchboard-freescout", version: "1.0.0" });

  server.registerTool(
    "list_conversations",
    {
      title: "List conversations",
      description:
        "Lists FreeScout conversations, newest first, filtered by status (active, pending, closed, spam). " +
        "With unanswered: true only those whose latest thread is the customer's (no reply and no note after it), e.g. new tickets waiting for a first answer. " +
        'Returns { "conversations": [ { id, number, subject, status, customer, preview, createdAt, updatedAt } ] }.',
      inputSchema: z.object({
        status: z.enum(["active", "pending", "closed", "spam"]).default("active").describe("the conversation status to list"),
        unanswered: z.boolean().default(false).describe("only conversations whose latest thread is the customer's"),
        mailbox_id: z.number().int().positive().optional().describe("only this mailbox"),
        order: z.enum(["newest", "oldest"]).default("newest").describe("newest or oldest first (by creation)"),
        limit: z.number().int().min(1).max(100).default(50).describe("at most this many conversations"),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ status, unanswered, mailbox_id, order, limit }, ctx) => {
      // "unanswered" is decided from the threads, after FreeScout's paging: read pages until enough are found
      const pageSize = unanswered ? 50 : limit;
      /** @type {any[]} */
      const found = [];
      for (let page = 1; page <= (unanswered ? MAX_SCAN_PAGES : 1) && found.length < limit; page++) {
        const query = new URLSearchParams({ status, sortField: "createdAt", sortOrder: order === "oldest" ? "asc" : "desc", pageSize: String(pageSize), page: String(page) });
        if (mailbox_id !== undefined) query.set("mailboxId", String(mailbox_id));
        if (unanswered) query.set("embed", "threads");
        const { json } = await api("GET", `/conversations?${query}`, undefined, ctx.mcpReq.signal);
        const items = Array.isArray(json?._embedded?.conversations) ? json._embedded.conversations : [];
        found.push(...items.filter((/** @type {any} */ c) => !unanswered || isUnanswered(c)));
        const pages = Number(json?.page?.totalPages ?? 1);
        if (items.length < pageSize || page >= pages) break;
      }
      const conversations = found.slice(0, limit).map(summary);
      const result = { conversations };
      return { content: [{ type: "text", text: conversations.length ? asJsonText(result) : "[]" }], structuredContent: result };
    },
  );

  server.registerTool(
    "get_conversation",
    {
      title: "Read a conversation",
      description: "Reads one FreeScout conversation with its threads, oldest first, as text (HTML removed): who wrote each message (customer, reply or internal note) and when.",
      inputSchema: z.object({ conversation_id: z.number().int().positive().describe("the conversation's id (not its number)") }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ conversation_id }, ctx) => {
      const { json: c } = await api("GET", `/conversations/${conversation_id}?embed=threads`, undefined, ctx.mcpReq.signal);
      const threads = threadsOf(c).map((t) => ({
        id: t.id,
        type: t.type ?? null,
        from: personOf(t.createdBy ?? t.customer),
        createdAt: t.createdAt ?? null,
        text: htmlToText(t.body),
      }));
      const customer = personOf(c.customer ?? c.createdBy);
      const head = `Conversation #${c.number ?? c.id}: ${c.subject ?? "(no subject)"}\nStatus: ${c.status ?? "?"}${customer ? `\nCustomer: ${customer.name ?? ""}${customer.email ? ` <${customer.email}>` : ""}` : ""}`;
      const label = (/** @type {string | null} */ type) => (type === "customer" ? "Customer" : type === "note" ? "Internal note" : type === "message" ? "Reply" : (type ?? "Thread"));
      const body = threads.map((t) => `--- ${label(t.type)}${t.from?.name || t.from?.email ? ` from ${t.from.name ?? t.from.email}` : ""}${t.createdAt ? ` at ${t.createdAt}` : ""}\n${t.text}`).join("\n\n");
      return {
        content: [{ type: "text", text: `${head}\n\n${body}` }],
        structuredContent: { ...summary(c), threads },
      };
    },
  );

  server.registerTool(
    "create_reply",
    {
      title: "Post a reply",
      description:
        "Posts a reply to a FreeScout conversation: FreeScout emails it to the customer. It cannot be unsent, and calling it twice sends two replies. " + "The text is plain text (blank lines make paragraphs).",
      inputSchema: z.object({
        conversation_id: z.number().int().positive().describe("the conversation's id"),
        text: z.string().trim().min(1).max(100_000).describe("the reply, plain text"),
        status: z.enum(["active", "pending", "closed"]).optional().describe("the conversation's status after the reply (FreeScout's default when left out)"),
        user_id: z.number().int().positive().optional().describe("the FreeScout user the reply is from (default: FREESCOUT_USER_ID)"),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ conversation_id, text, status, user_id }, ctx) => {
      const body = { type: "message", text: textToHtml(text), user: userId(user_id), ...(status ? { status } : {}) };
      const { status: code, json, headers } = await api("POST", `/conversations/${conversation_id}/threads`, body, ctx.mcpReq.signal);
      const threadId = json?.id ?? headers.get("Resource-ID") ?? null;
      const result = { conversationId: conversation_id, threadId: threadId === null ? null : Number(threadId), type: "message", status: code };
      return { content: [{ type: "text", text: `Reply posted to conversation ${conversation_id}${threadId ? ` (thread ${threadId})` : ""}.` }], structuredContent: result };
    },
  );

  server.registerTool(
    "add_note",
    {
      title: "Add a note",
      description: "Adds an internal note to a FreeScout conversation: seen by the team, never sent to the customer. Calling it twice adds two notes.",
      inputSchema: z.object({
        conversation_id: z.number().int().positive().describe("the conversation's id"),
        text: z.string().trim().min(1).max(100_000).describe("the note, plain text"),
        user_id: z.number().int().positive().optional().describe("the FreeScout user the note is from (default: FREESCOUT_USER_ID)"),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ conversation_id, text, user_id }, ctx) => {
      const body = { type: "note", text: textToHtml(text), user: userId(user_id) };
      const { status: code, json, headers } = await api("POST", `/conversations/${conversation_id}/threads`, body, ctx.mcpReq.signal);
      const threadId = json?.id ?? headers.get("Resource-ID") ?? null;
      const result = { conversationId: conversation_id, threadId: threadId === null ? null : Number(threadId), type: "note", status: code };
      return { content: [{ type: "text", text: `Note added to conversation ${conversation_id}${threadId ? ` (thread ${threadId})` : ""}.` }], structuredContent: result };
    },
  );

  return server;
}

// both revisions over stdio: 2025-11-25 clients open with initialize, 2026-07-28 clients with server/discover
serveStdio(freescoutServer);
