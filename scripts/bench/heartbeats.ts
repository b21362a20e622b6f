// Heartbeat benchmarks, on a throwaway database and workspace in a child process:
// - 500 scheduled pipelines due in the same second: the delay from the due time to each run being queued
//   and recorded as started on its heartbeat (goal p99 < 1 s), and to a worker claiming it;
// - 500 ping checks whose grace ends in the same second: the delay from grace end to the "late" mark
//   (goal p99 < 1 s).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { percentile } from "./measure";

const CHILD_FLAG = "--heartbeats-bench-child";
const RESULT_PREFIX = "HEARTBEATS_BENCH_RESULT ";
const COUNT = 500;

export async function benchHeartbeats(): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-heartbeats-"));
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
      child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`heartbeats bench exited with ${code}`))));
    });
    const line = output.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (!line) throw new Error("heartbeats bench printed no result");
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
const stats = (values: number[]) => ({ p50Ms: round(percentile(values, 50)), p99Ms: round(percentile(values, 99)), maxMs: round(Math.max(...values)) });

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runInChild(): Promise<Record<string, unknown>> {
  const { migrateDatabase } = await import("@/lib/db/migrate");
  const { databasePath, workspaceDir } = await import("@/lib/env");
  const { prisma } = await import("@/lib/db/client");
  const { HeartbeatScheduler } = await import("@/lib/heartbeats/scheduler");
  const { Worker } = await import("@/lib/engine/worker");
  const { recordPing } = await import("@/lib/heartbeats/ping");
  const { unsealPingToken } = await import("@/lib/heartbeats/ping-token");
  migrateDatabase(databasePath());
  const workspace = workspaceDir();
  fs.mkdirSync(path.join(workspace, "pipelines"), { recursive: true });

  // 1. 500 scheduled pipelines, all due at the same second (croner's six-field cron, in UTC), far enough
  // ahead that the scheduler has read the files and created the heartbeats' rows before it comes
  const due = new Date(Math.ceil((Date.now() + 45_000) / 1000) * 1000);
  const cron = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} * * *`;
  for (let i = 0; i < COUNT; i++) {
    fs.writeFileSync(path.join(workspace, "pipelines", `tick-${i}.yaml`), `name: Tick ${i}\nsteps:\n  - id: noop\n    tool: bench/noop\nschedule:\n  cron: "${cron}"\n  grace: 1h\n`);
  }
  const startedAt = Date.now();
  const scheduler = await new HeartbeatScheduler({ precondition: async () => ({ empty: false }) }).start();
  // the machine is shared: a fixed piece of the same kind of work (parsing these pipeline files), timed
  // here in the same run, is the baseline the delays are read against, with the load average
  const { parsePipelineText } = await import("@/lib/pipelines/load-pipelines");
  const sample = fs.readFileSync(path.join(workspace, "pipelines", "tick-0.yaml"), "utf8");
  const baselineStarted = performance.now();
  for (let i = 0; i < COUNT; i++) parsePipelineText(`baseline-${i}`, sample);
  const baselineMs = performance.now() - baselineStarted;
  const loadAverage = os.loadavg().map((l) => Number(l.toFixed(1)));
  await scheduler.settle();
  const schedulerStartMs = Date.now() - startedAt;
  if (Date.now() >= due.getTime()) throw new Error(`the scheduler took ${schedulerStartMs} ms to start, past the due time`);
  // a worker whose steps return at once: the figure is how soon a worker picks each run up, not MCP
  const worker = await new Worker({ pollMs: 50, concurrency: 8, runner: { runTool: async () => ({ content: [{ type: "text", text: "ok" }], isError: false }) } }).start();
  await waitUntil(async () => (await prisma.run.count({ where: { trigger: "schedule" } })) === COUNT, 120_000);
  const queued = await prisma.run.findMany({ where: { trigger: "schedule" }, select: { createdAt: true } });
  await waitUntil(async () => (await prisma.run.count({ where: { trigger: "schedule", startedAt: null } })) === 0, 300_000);
  const claimed = await prisma.run.findMany({ where: { trigger: "schedule" }, select: { startedAt: true } });
  await worker.stop({ graceMs: 1_000 });
  const dueToQueued = queued.map((r) => r.createdAt.getTime() - due.getTime());
  const dueToWorkerStart = claimed.map((r) => (r.startedAt?.getTime() ?? 0) - due.getTime());

  // 2. 500 ping checks, pinged together, so their grace ends fall in the same second
  // every 30 s with 30 s grace: all 500 pings are recorded well before their shared grace end
  const yaml = Array.from({ length: COUNT }, (_, i) => `- slug: ping-${i}\n  every: 30s\n  grace: 30s\n`).join("");
  fs.writeFileSync(path.join(workspace, "heartbeats.yaml"), yaml);
  scheduler.poke();
  await scheduler.settle();
  const states = await prisma.heartbeatState.findMany({ where: { slug: { startsWith: "ping-" } }, select: { id: true, pingTokenSealed: true } });
  const pingAt = new Date();
  for (const s of states) await recordPing(unsealPingToken(s.pingTokenSealed) ?? "", { kind: "success", exitCode: null }, null, pingAt);
  const pingsMs = Date.now() - pingAt.getTime();
  const lateAt = pingAt.getTime() + 60_000;
  await waitUntil(async () => (await prisma.heartbeatEvent.count({ where: { kind: "late", heartbeatId: { in: states.map((s) => s.id) } } })) === COUNT, 180_000);
  const late = await prisma.heartbeatEvent.findMany({ where: { kind: "late", heartbeatId: { in: states.map((s) => s.id) } }, select: { at: true } });
  await scheduler.stop();
  const graceEndToLate = late.map((e) => e.at.getTime() - lateAt);
  const queuedStats = stats(dueToQueued);
  return {
    heartbeats: COUNT,
    schedulerStartMs,
    loadAverage,
    baseline: { parse500PipelinesMs: round(baselineMs) },
    dueToRunQueued: { ...queuedStats, goalP99Ms: 1000, p99OverBaseline: Number((queuedStats.p99Ms / baselineMs).toFixed(2)) },
    dueToWorkerStart: { ...stats(dueToWorkerStart), workerConcurrency: 8 },
    graceEndToLate: { ...stats(graceEndToLate), goalP99Ms: 1000 },
    pings: { count: COUNT, totalMs: pingsMs, perPingMs: round(pingsMs / COUNT) },
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  const result = await runInChild();
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
  process.exit(0);
}
