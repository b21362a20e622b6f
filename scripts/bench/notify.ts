// Notification latency (issue 25, item 7), on a throwaway database and workspace in a child process:
// the time from a draft opening (an approval step of a real run, through the worker) to its signed webhook
// being received by a local HTTP receiver, p50 and p99 over 200 drafts, through the production sender (its
// default 2 s poll). Beside it, in the same run and to the same receiver, a bare HTTP POST of the same body:
// the part of the figure that is the network and the receiver, not the outbox.
// Each draft is for its own client, so none is grouped with another ("3 drafts wait for Acme" would be one
// message for several drafts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { percentile } from "./measure";

const CHILD_FLAG = "--notify-bench-child";
const RESULT_PREFIX = "NOTIFY_BENCH_RESULT ";
const DRAFTS = 200;
/** drafts opened per second: a busy team's burst, spread so the figure is the sender's, not the worker's backlog */
const RATE_PER_SECOND = 20;
const ACTOR = { id: null, label: "bench" };

export async function benchNotify(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-notify-"));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", fileURLToPath(import.meta.url), CHILD_FLAG], {
        cwd: process.cwd(),
        env: { ...process.env, DATABASE_URL: `file:${path.join(root, "bench.db")}`, SWITCHBOARD_WORKSPACE: path.join(root, "workspace"), SWITCHBOARD_URL: "https://switchboard.example" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`notify bench exited with ${code}`))));
    });
    const line = output.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (!line) throw new Error("notify bench printed no result");
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const stats = (values: number[]) => ({ p50Ms: round(percentile(values, 50)), p99Ms: round(percentile(values, 99)), maxMs: round(Math.max(...values)), n: values.length });

async function waitUntil(probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function runInChild(): Promise<Record<string, unknown>> {
  const { migrateDatabase } = await import("@/lib/db/migrate");
  const { databasePath, workspaceDir } = await import("@/lib/env");
  const { prisma } = await import("@/lib/db/client");
  const { Worker } = await import("@/lib/engine/worker");
  const { queueRun } = await import("@/lib/engine/queue-run");
  const { NotificationSender } = await import("@/lib/notify/sender");
  const { webhookRequest } = await import("@/lib/notify/channels");
  migrateDatabase(databasePath());
  const workspace = workspaceDir();

  // the receiver: when each webhook (by its delivery id) and each bare POST arrived
  const received = new Map<string, number>();
  const receivedMono = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received.set(String(req.headers["x-switchboard-delivery"]), Date.now());
      receivedMono.set(String(req.headers["x-switchboard-delivery"]), performance.now());
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  fs.mkdirSync(path.join(workspace, "pipelines"), { recursive: true });
  fs.writeFileSync(path.join(workspace, "notifications.yaml"), `- { name: bench-hook, type: webhook, url: "${hookUrl}", secret: bench-secret, events: [draft.waiting] }\n`);
  fs.writeFileSync(path.join(workspace, "pipelines", "review.yaml"), `name: Review\nsteps:\n  - id: review\n    approval: { title: "Review", body: "body" }\n`);
  const clients: string[] = [];
  for (let i = 0; i < DRAFTS; i++) {
    const slug = `client-${i}`;
    fs.mkdirSync(path.join(workspace, "clients", slug), { recursive: true });
    await prisma.client.create({ data: { slug, name: `Client ${i}` } });
    clients.push(slug);
  }

  const worker = await new Worker({ pollMs: 50, concurrency: 4, runner: { runTool: async () => ({ content: [{ type: "text", text: "ok" }], isError: false }) } }).start();
  const sender = new NotificationSender().start();
  const loadAverage = os.loadavg().map((l) => Number(l.toFixed(1)));
  const started = Date.now();
  for (const [i, clientSlug] of clients.entries()) {
    await queueRun({ pipelineSlug: "review", clientSlug, inputs: {}, createdBy: ACTOR });
    const next = started + ((i + 1) * 1000) / RATE_PER_SECOND;
    if (next > Date.now()) await new Promise((r) => setTimeout(r, next - Date.now()));
  }
  await waitUntil(() => received.size >= DRAFTS, 300_000);
  await sender.stop();
  await worker.stop({ graceMs: 1_000 });
  const rows = await prisma.notificationOutbox.findMany({ where: { event: "draft.waiting" }, select: { id: true, dedupeKey: true } });
  const drafts = await prisma.draft.findMany({ select: { id: true, createdAt: true } });
  const openedAt = new Map(drafts.map((d) => [`draft.waiting:${d.id}`, d.createdAt.getTime()]));
  const draftToWebhook = rows.map((r) => (received.get(r.id) ?? Number.NaN) - (openedAt.get(r.dedupeKey) ?? Number.NaN)).filter((n) => Number.isFinite(n));

  // the same body, signed the same way, POSTed straight to the same receiver
  const bare: number[] = [];
  const sample = { id: "", event: "draft.waiting", title: "A draft waits: Review", text: "body", url: "https://switchboard.example/drafts/x", client: "client-0", at: new Date().toISOString() };
  for (let i = 0; i < DRAFTS; i++) {
    const request = webhookRequest({ ...sample, id: `bare-${i}` }, "bench-secret");
    const t = performance.now();
    const response = await fetch(hookUrl, { method: "POST", headers: request.headers, body: request.body });
    await response.body?.cancel();
    bare.push((receivedMono.get(`bare-${i}`) ?? Number.NaN) - t);
  }
  const bareMs = bare.filter((n) => Number.isFinite(n));
  server.closeAllConnections();
  server.close();
  return {
    drafts: DRAFTS,
    ratePerSecond: RATE_PER_SECOND,
    senderPollMs: 2_000,
    loadAverage,
    draftOpenedToWebhookReceived: stats(draftToWebhook),
    bareHttpPost: stats(bareMs),
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  const result = await runInChild();
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
  process.exit(0);
}
