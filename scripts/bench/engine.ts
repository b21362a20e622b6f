// Engine benchmarks, each on a throwaway database and workspace in a child process (so the caller's
// database, worker and MCP pool are never touched):
// - overhead of a tool step (claim, step and event writes, the tool call record) over a bare MCP call
//   to the same server in the same process, goal <= 5 ms median;
// - 1,000 queued one-step runs: how fast the worker drains them;
// - listRuns with 100,000 runs in the table, goal p95 < 100 ms.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CHILD_FLAG = "--engine-bench-child";
const RESULT_PREFIX = "ENGINE_BENCH_RESULT ";
const ACTOR = { id: null, label: "bench" };

export async function benchEngine(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-engine-"));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", fileURLToPath(import.meta.url), CHILD_FLAG], {
        cwd: process.cwd(),
        env: { ...process.env, DATABASE_URL: `file:${path.join(root, "bench.db")}`, SWITCHBOARD_WORKSPACE: path.join(root, "workspace") },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`engine bench exited with ${code}`))));
    });
    const line = output.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (!line) throw new Error("engine bench printed no result");
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Tool-step overhead: runs of 40 echo steps against bare echo calls to the same server. */
async function benchStepOverhead() {
  const { prisma } = await import("@/lib/db");
  const { workspaceDir } = await import("@/lib/env");
  const { queueRun } = await import("@/lib/engine/queue-run");
  const { Worker } = await import("@/lib/engine/worker");
  const { callTool } = await import("@/lib/mcp/calls");
  const bareEchoCall = (message: string) => callTool({ server: "everything", tool: "echo", arguments: { message } });
  const steps = 40;
  const yaml = ["name: Bench steps", "steps:", ...Array.from({ length: steps }, (_, i) => `  - { id: s${i}, tool: everything/echo, args: { message: "step ${i}" } }`)].join("\n");
  fs.writeFileSync(path.join(workspaceDir(), "pipelines", "bench-steps.yaml"), `${yaml}\n`);

  const bare: number[] = [];
  for (let i = 0; i < 20; i++) await bareEchoCall("warm up");
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await bareEchoCall(`bare ${i}`);
    bare.push(performance.now() - started);
  }
  const worker = await new Worker({ pollMs: 10, concurrency: 1 }).start();
  // step timestamps have millisecond resolution: several runs give enough steps for a stable median,
  // and each run's mean step time (its steps' span / steps) gives a sub-millisecond figure
  const perStep: number[] = [];
  const runMeans: number[] = [];
  for (let r = 0; r < 6; r++) {
    const id = await queueRun({ pipelineSlug: "bench-steps", createdBy: ACTOR });
    await waitUntil(async () => (await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status === "succeeded", 60_000);
    const rows = await prisma.runStep.findMany({ where: { runId: id }, orderBy: { position: "asc" }, select: { startedAt: true, finishedAt: true } });
    const times = rows.map((row) => row.startedAt?.getTime() ?? 0);
    const lastFinished = rows.at(-1)?.finishedAt?.getTime() ?? 0;
    // one step's share of the run: from its start to the next step's start (the last: to its own end)
    perStep.push(...times.map((t, i) => (times[i + 1] ?? lastFinished) - t));
    if (r > 0) runMeans.push((lastFinished - times[0]) / rows.length); // the first run warms up
  }
  await worker.stop({ graceMs: 1_000 });
  const bareMedian = percentile(bare, 50);
  return {
    bareMcpCallMedianMs: round(bareMedian),
    bareMcpCallP95Ms: round(percentile(bare, 95)),
    toolStepMedianMs: round(percentile(perStep, 50)),
    toolStepP95Ms: round(percentile(perStep, 95)),
    toolStepMeanPerRunMedianMs: round(percentile(runMeans, 50)),
    engineOverheadPerStepMedianMs: round(percentile(perStep, 50) - bareMedian),
    engineOverheadPerStepMeanMs: round(percentile(runMeans, 50) - bareMedian),
    overheadGoalMs: 5,
  };
}

/** 1,000 queued one-step runs, drained by one worker (concurrency 4) through the real MCP pool. */
async function benchDrain() {
  const { prisma } = await import("@/lib/db");
  const { queueRun } = await import("@/lib/engine/queue-run");
  const { Worker } = await import("@/lib/engine/worker");
  const count = 1_000;
  const queueStarted = performance.now();
  for (let i = 0; i < count; i++) await queueRun({ pipelineSlug: "echo-check", inputs: { message: `run ${i}` }, createdBy: ACTOR });
  const queueMs = performance.now() - queueStarted;
  const started = performance.now();
  const worker = await new Worker({ pollMs: 10, concurrency: 4 }).start();
  await waitUntil(async () => (await prisma.run.count({ where: { pipelineSlug: "echo-check", status: { in: ["queued", "running"] } } })) === 0, 300_000);
  const drainMs = performance.now() - started;
  await worker.stop({ graceMs: 1_000 });
  const succeeded = await prisma.run.count({ where: { pipelineSlug: "echo-check", status: "succeeded" } });
  return { queuedRuns: count, queueRunsPerSecond: Math.round(count / (queueMs / 1000)), drainRunsPerSecond: Math.round(count / (drainMs / 1000)), drainSeconds: round(drainMs / 1000), succeeded };
}

/** listRuns with 100,000 runs: first pages with each filter, and deeper pages through the cursor. */
async function benchListRuns() {
  const Database = (await import("better-sqlite3")).default;
  const { databasePath } = await import("@/lib/env");
  const { listRuns } = await import("@/lib/engine/run-queries");
  const total = 100_000;
  const clients = Array.from({ length: 25 }, (_, i) => ({ id: randomUUID(), slug: `client-${i}` }));
  const pipelines = ["blog-post", "site-report", "deploy", "reply-draft", "uptime"];
  const statuses = ["succeeded", "succeeded", "succeeded", "succeeded", "failed", "cancelled", "rejected", "waiting"];
  const db = new Database(databasePath());
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  const insertStarted = performance.now();
  db.transaction(() => {
    const now = Date.now();
    const client = db.prepare(`INSERT INTO "Client" ("id", "slug", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`);
    for (const c of clients) client.run(c.id, c.slug, c.slug, iso(now), iso(now));
    const run = db.prepare(
      `INSERT INTO "Run" ("id", "pipelineSlug", "pipelineName", "pipelineJson", "clientId", "status", "createdAt", "startedAt", "finishedAt", "updatedAt") VALUES (?, ?, ?, '{}', ?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < total; i++) {
      const created = now - Math.floor((i / total) * 90 * 86_400_000) - (i % 7);
      run.run(randomUUID(), pipelines[i % pipelines.length], pipelines[i % pipelines.length], clients[i % clients.length].id, statuses[i % statuses.length], iso(created), iso(created), iso(created + 5_000), iso(created + 5_000));
    }
  })();
  db.close();
  const insertMs = performance.now() - insertStarted;

  const shapes: Record<string, () => Parameters<typeof listRuns>[0]> = {
    all: () => ({ limit: 50 }),
    client: () => ({ clientSlug: clients[Math.floor(Math.random() * clients.length)].slug, limit: 50 }),
    failed: () => ({ status: "failed", limit: 50 }),
    clientAndPipeline: () => ({ clientSlug: clients[3].slug, pipeline: "deploy", limit: 50 }),
    lastWeek: () => ({ from: new Date(Date.now() - 7 * 86_400_000), limit: 50 }),
  };
  const times: number[] = [];
  const byShape: Record<string, { p50: number; p95: number }> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const own: number[] = [];
    for (let i = 0; i < 40; i++) {
      let cursor: string | null | undefined;
      for (let page = 0; page < 3; page++) {
        const started = performance.now();
        const result = await listRuns({ ...shape(), cursor });
        own.push(performance.now() - started);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
    }
    times.push(...own);
    byShape[name] = { p50: round(percentile(own, 50)), p95: round(percentile(own, 95)) };
  }
  return { runsInTable: total, bulkInsertSeconds: round(insertMs / 1000), listRunsP50Ms: round(percentile(times, 50)), listRunsP95Ms: round(percentile(times, 95)), p95GoalMs: 100, byShape };
}

export async function runEngineBenchInChild(): Promise<Record<string, unknown>> {
  const { migrateDatabase } = await import("@/lib/db/migrate");
  const { databasePath, workspaceDir } = await import("@/lib/env");
  const { ensureWorkspace } = await import("@/lib/workspace/seed");
  const { getMcpPool } = await import("@/lib/mcp/pool");
  migrateDatabase(databasePath());
  ensureWorkspace(workspaceDir());
  try {
    const overhead = await benchStepOverhead();
    const drain = await benchDrain();
    const list = await benchListRuns();
    return { ...overhead, ...drain, ...list };
  } finally {
    await getMcpPool().shutdown();
  }
}

if (process.argv.includes(CHILD_FLAG)) {
  const result = await runEngineBenchInChild();
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
  process.exit(0);
}
