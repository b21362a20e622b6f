// A stand-in for FreeScout's API (the "API & Webhooks" module), for tests: a local HTTP server on a free
// port with the real paths and shapes: GET /api/conversations (HAL: `_embedded.conversations`, `page`),
// GET /api/conversations/{id}?embed=threads (threads newest first, bodies as HTML), POST
// /api/conversations/{id}/threads (201 with a Resource-ID header), the key in X-FreeScout-API-Key or
// ?api_key=, and FreeScout's error bodies. It imports nothing of the app.
import http from "node:http";
import type { AddressInfo } from "node:net";

type Person = { id: number; type: "customer" | "user"; firstName: string; lastName: string; email: string };
export type StandinThread = { id: number; type: "customer" | "message" | "note" | "phone"; body: string; createdBy: Person; createdAt: string; state: "published" };
type Conversation = {
  id: number;
  number: number;
  subject: string;
  status: "active" | "pending" | "closed" | "spam";
  mailboxId: number;
  customer: Person;
  createdAt: string;
  threads: StandinThread[];
};
export type PostedThread = { conversationId: number; type: string; text: string; user: number | null };

const USER: Person = { id: 1, type: "user", firstName: "Sam", lastName: "Support", email: "sam@agency.example" };

export class FreeScoutStandin {
  readonly requests: { method: string; path: string; authorized: boolean }[] = [];
  /** every thread created through POST /api/conversations/{id}/threads, in order */
  readonly posted: PostedThread[] = [];
  /** answer the next N requests with this status (FreeScout's own error body) */
  failNext: { status: number; count: number } | null = null;
  private readonly conversations = new Map<number, Conversation>();
  private nextId = 100;
  private nextThread = 5000;
  private clock = Date.parse("2026-06-01T08:00:00Z");

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly apiKey: string,
  ) {}

  static async start(apiKey = `fs-key-${Math.random().toString(36).slice(2)}`): Promise<FreeScoutStandin> {
    let standin: FreeScoutStandin | null = null;
    const server = http.createServer((req, res) => standin?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    standin = new FreeScoutStandin(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey);
    return standin;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** A new ticket from a customer (one customer thread); returns its id. */
  addConversation(input: { subject: string; email: string; text: string; status?: Conversation["status"] }): number {
    const id = this.nextId++;
    const [first, ...rest] = input.email.split("@")[0].split(/[._-]/);
    const customer: Person = { id: id + 5000, type: "customer", firstName: first ?? "", lastName: rest.join(" "), email: input.email };
    const createdAt = this.now();
    this.conversations.set(id, {
      id,
      number: id - 99,
      subject: input.subject,
      status: input.status ?? "active",
      mailboxId: 1,
      customer,
      createdAt,
      threads: [{ id: this.nextThread++, type: "customer", body: `<div>${input.text.replace(/\n/g, "<br>")}</div>`, createdBy: customer, createdAt, state: "published" }],
    });
    return id;
  }

  /** The customer writes again (FreeScout makes the conversation active again). */
  customerWrites(conversationId: number, text: string): void {
    const c = this.conversations.get(conversationId);
    if (!c) throw new Error(`no conversation ${conversationId}`);
    c.status = "active";
    c.threads.push({ id: this.nextThread++, type: "customer", body: `<p>${text}</p>`, createdBy: c.customer, createdAt: this.now(), state: "published" });
  }

  threadsOf(conversationId: number): StandinThread[] {
    return [...(this.conversations.get(conversationId)?.threads ?? [])];
  }

  private conversationJson(c: Conversation, embedThreads: boolean) {
    const latest = [...c.threads].reverse().find((t) => t.type !== "note");
    return {
      id: c.id,
      number: c.number,
      threadsCount: c.threads.length,
      type: "email",
      folderId: 1,
      status: c.status,
      state: "published",
      subject: c.subject,
      preview: c.threads[0]?.body.replace(/<[^>]*>/g, "").slice(0, 255) ?? "",
      mailboxId: c.mailboxId,
      assignee: null,
      createdBy: c.customer,
      createdAt: c.createdAt,
      updatedAt: c.threads.at(-1)?.createdAt ?? c.createdAt,
      closedBy: null,
      closedAt: null,
      userUpdatedAt: c.createdAt,
      customerWaitingSince: { time: c.createdAt, friendly: "1 hour ago", latestReplyFrom: latest?.type === "customer" ? "customer" : "user" },
      source: { type: "email", via: "customer" },
      cc: [],
      bcc: [],
      customer: c.customer,
      _embedded: {
        // FreeScout lists a conversation's threads newest first
        ...(embedThreads
          ? {
              threads: [...c.threads].reverse().map((t) => ({
                ...t,
                status: "active",
                action: { type: null, text: "" },
                source: { type: "email", via: t.type === "customer" ? "customer" : "user" },
                customer: c.customer,
                to: [],
                cc: [],
                bcc: [],
                _embedded: { attachments: [] },
              })),
            }
          : {}),
        timelogs: [],
        tags: [],
      },
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", this.url);
      const key = req.headers["x-freescout-api-key"] ?? url.searchParams.get("api_key");
      const authorized = key === this.apiKey;
      this.requests.push({ method: req.method ?? "GET", path: url.pathname, authorized });
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(body === null ? "" : JSON.stringify(body));
      };
      if (!authorized) return send(401, { message: "Unauthorized: API key is either not provided or not valid" });
      if (this.failNext && this.failNext.count > 0) {
        this.failNext.count -= 1;
        const status = this.failNext.status;
        if (this.failNext.count === 0) this.failNext = null;
        return send(status, { message: "Internal Server Error" });
      }
      const one = /^\/api\/conversations\/(\d+)$/.exec(url.pathname);
      const threads = /^\/api\/conversations\/(\d+)\/threads$/.exec(url.pathname);
      if (req.method === "GET" && url.pathname === "/api/conversations") {
        const statuses = (url.searchParams.get("status") ?? "active,pending").split(",");
        const mailbox = url.searchParams.get("mailboxId");
        const embed = (url.searchParams.get("embed") ?? "").split(",").includes("threads");
        const size = Number(url.searchParams.get("pageSize") ?? 50);
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = [...this.conversations.values()]
          .filter((c) => statuses.includes(c.status) && (!mailbox || String(c.mailboxId) === mailbox))
          .sort((a, b) => (url.searchParams.get("sortOrder") === "asc" ? 1 : -1) * (a.createdAt.localeCompare(b.createdAt) || a.id - b.id));
        const items = all.slice((page - 1) * size, page * size).map((c) => this.conversationJson(c, embed));
        return send(200, { _embedded: { conversations: items }, page: { size, totalElements: all.length, totalPages: Math.ceil(all.length / size), number: page } });
      }
      if (req.method === "GET" && one) {
        const c = this.conversations.get(Number(one[1]));
        if (!c) return send(404, { message: "Conversation not found" });
        return send(200, this.conversationJson(c, (url.searchParams.get("embed") ?? "").split(",").includes("threads")));
      }
      if (req.method === "POST" && threads) {
        const c = this.conversations.get(Number(threads[1]));
        if (!c) return send(404, { message: "Conversation not found" });
        let body: { type?: unknown; text?: unknown; user?: unknown; status?: unknown };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
        } catch {
          return send(400, { message: "Invalid JSON" });
        }
        const errors: { path: string; message: string; source: string }[] = [];
        if (!["customer", "message", "note", "phone"].includes(String(body.type))) errors.push({ path: "type", message: "Invalid thread type", source: "JSON" });
        if (typeof body.text !== "string" || !body.text.trim()) errors.push({ path: "text", message: "Text is required", source: "JSON" });
        if ((body.type === "message" || body.type === "note") && typeof body.user !== "number") errors.push({ path: "user", message: "User is required for this thread type", source: "JSON" });
        if (errors.length) return send(400, { message: "Bad request", _embedded: { errors } });
        const id = this.nextThread++;
        const type = body.type as StandinThread["type"];
        c.threads.push({ id, type, body: String(body.text), createdBy: type === "customer" ? c.customer : USER, createdAt: this.now(), state: "published" });
        if (typeof body.status === "string" && ["active", "pending", "closed"].includes(body.status)) c.status = body.status as Conversation["status"];
        this.posted.push({ conversationId: c.id, type, text: String(body.text), user: typeof body.user === "number" ? body.user : null });
        return send(201, null, { "Resource-ID": String(id) });
      }
      send(405, { message: "Method Not Allowed" });
    });
  }
}
