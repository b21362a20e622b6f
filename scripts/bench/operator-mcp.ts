// whats_waiting over Switchboard's own MCP server (/api/mcp's handler on a local port, an SDK client
// over Streamable HTTP) with 100 clients, 1,000 pending drafts and 100,000 runs, timed in turn with a
// bare tools/call of server-everything's echo over Streamable HTTP: the same client library, transport
// and machine, so the difference is what the Today board's reads cost.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { medianP95, timeInTurn } from "./measure";

const CLIENTS = 100;
const RUNS = 100_000;
const PENDING_DRAFTS = 1_000;
const N = 200;
const DAY = 86_400_000;

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(file: string) {
  const Database = (await import("better-sqlite3")).default;
  const db = new Database(file);
  db.pragma("synchronous = OFF");
  const random = mulberry32(7);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  const clients = Array.from({ length: CLIENTS }, (_, i) => ({ id: randomUUID(), slug: `client-${i}`, budget: i % 5 === 0 ? 20 : null }));
  let drafts = 0;
  db.transaction(() => {
    const client = db.prepare(`INSERT INTO "Client" ("id", "slug", "name", "monthlyBudgetUsd", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)`);
    for (const c of clients) client.run(c.id, c.slug, c.slug.toUpperCase(), c.budget, iso(now), iso(now));
    const run = db.prepare(
      `INSERT INTO "Run" ("id", "pipelineSlug", "pipelineName", "pipelineJson", "clientId", "status", "costUsd", "createdAt", "startedAt", "finishedAt", "updatedAt") VALUES (?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const step = db.prepare(`INSERT INTO "RunStep" ("id", "runId", "stepId", "position", "kind", "status", "attempt") VALUES (?, ?, 'review', 0, 'approval', 'waiting', 1)`);
    const draft = db.prepare(
      `INSERT INTO "Draft" ("id", "runId", "runStepId", "stepId", "clientId", "pipelineSlug", "title", "body", "status", "version", "createdAt", "updatedAt") VALUES (?, ?, ?, 'review', ?, 'blog-post', ?, ?, 'pending', 1, ?, ?)`,
    );
    const version = db.prepare(`INSERT INTO "DraftVersion" ("id", "draftId", "version", "title", "body", "authorLabel", "createdAt") VALUES (?, ?, 1, ?, ?, 'pipeline', ?)`);
    for (let i = 0; i < RUNS; i++) {
      const created = now - Math.floor(random() * 90 * DAY);
      const c = clients[Math.floor(random() * CLIENTS)];
      const r = random();
      // the pending drafts' runs wait for approval; a few more runs failed recently
      const waiting = drafts < PENDING_DRAFTS && r < 0.02;
      const status = waiting ? "waiting" : r < 0.1 ? "failed" : "succeeded";
      const id = `run${i.toString(36).padStart(8, "0")}`;
      run.run(id, "blog-post", "Blog post", c.id, status, random() * 0.5, iso(created), iso(created), waiting ? null : iso(created + 60_000), iso(created));
      if (waiting) {
        const stepId = `rs${randomUUID()}`;
        const draftId = `dr${randomUUID()}`;
        step.run(stepId, id);
        draft.run(draftId, id, stepId, c.id, `Post ${i}`, `Body of post ${i}`, iso(created), iso(created));
        version.run(randomUUID(), draftId, `Post ${i}`, `Body of post ${i}`, iso(created));
        drafts++;
      }
    }
  })();
  db.close();
  return { drafts };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startEverything(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const entry = path.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  const child = spawn(process.execPath, [entry, "streamableHttp"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (c: Buffer) => c.toString().includes("listening") && resolve());
    child.on("exit", (code) => reject(new Error(`server-everything exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}

export async function benchOperatorMcp(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-operator-mcp-"));
  const dbFile = path.join(root, "bench.db");
  process.env.SWITCHBOARD_WORKSPACE = root;
  process.env.DATABASE_URL = `file:${dbFile}`;
  const { migrateDatabase } = await import("@/lib/db/migrate");
  migrateDatabase(dbFile);
  const seedStart = performance.now();
  const seeded = await seed(dbFile);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const { prisma } = await import("@/lib/db/client");
  const { createUser } = await import("@/lib/auth/users");
  const { createApiToken } = await import("@/lib/auth/tokens");
  const { handleOperatorMcpRequest } = await import("@/lib/operator-mcp/operator-http");
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");

  const user = await createUser({ email: "bench@example.com", password: "long-enough-password", role: "operator" }, { label: "bench" });
  const { token } = await createApiToken(user.id, { name: "bench", scope: "read" }, { id: user.id, label: user.email });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
    const response = await handleOperatorMcpRequest(new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method, headers, body }), { callsPerMinute: Number.MAX_SAFE_INTEGER });
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const mcpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/mcp`;
  const everything = await startEverything();
  const switchboard = new Client({ name: "bench", version: "1.0.0" });
  await switchboard.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const echo = new Client({ name: "bench", version: "1.0.0" });
  await echo.connect(new StreamableHTTPClientTransport(new URL(everything.url)));
  try {
    let counts: unknown = null;
    const whatsWaiting = async () => {
      const r = await switchboard.callTool({ name: "whats_waiting", arguments: {} });
      if (r.isError) throw new Error(JSON.stringify(r.content));
      counts = (r.structuredContent as { counts: unknown }).counts;
    };
    const bareEcho = async () => {
      const r = await echo.callTool({ name: "echo", arguments: { message: "bench" } });
      if (r.isError) throw new Error("echo failed");
    };
    const [boardMs, echoMs] = await timeInTurn([whatsWaiting, bareEcho], N, 10);
    // where the board's time goes: each read it makes, called directly (no HTTP, no MCP)
    const { countPendingDrafts } = await import("@/lib/drafts/counts");
    const { listDrafts } = await import("@/lib/drafts/drafts");
    const { listRuns } = await import("@/lib/engine/run-list");
    const { listHeartbeatSummaries } = await import("@/lib/heartbeats/queries");
    const { spendByClientThisMonth } = await import("@/lib/spend/spend-queries");
    const { listClients } = await import("@/lib/clients/clients");
    const dayAgo = new Date(Date.now() - DAY).toISOString();
    const parts = {
      countPendingDrafts: () => countPendingDrafts(),
      listDraftsPending: () => listDrafts({ status: "pending", limit: 25 }),
      listRunsWaiting: () => listRuns({ status: "waiting", limit: 25 }),
      listRunsFailedLastDay: () => listRuns({ status: "failed", from: dayAgo, limit: 25 }),
      listHeartbeatSummaries: () => listHeartbeatSummaries(),
      spendByClientThisMonth: () => spendByClientThisMonth(),
      listClients: () => listClients(),
    };
    const partMs = await timeInTurn(Object.values(parts), 30, 3);
    const breakdown = Object.fromEntries(Object.keys(parts).map((name, i) => [name, medianP95(partMs[i], 2)]));
    return {
      data: { clients: CLIENTS, runs: RUNS, pendingDrafts: seeded.drafts, seedSeconds: Number(seedSeconds.toFixed(1)) },
      whatsWaiting: medianP95(boardMs, 2),
      everythingEchoOverHttp: medianP95(echoMs, 2),
      breakdown,
      boardCounts: counts,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
    };
  } finally {
    await switchboard.close().catch(() => undefined);
    await echo.close().catch(() => undefined);
    everything.child.kill();
    server.closeAllConnections();
    server.close();
    await prisma.$disconnect();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
