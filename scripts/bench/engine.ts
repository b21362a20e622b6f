// Engine benchmarks, each on a throwaway database and workspace in a child process (so the caller's
// database, worker and MCP pool are never touched). Goals (issue 12), on 2 cores where a bare stdio
// call takes 0.4 ms; a slower machine scales (a) and (b) by its bare call measured in the same run:
// (a) engine overhead per tool step, including its durable writes, median <= 1.5 ms;
// (b) at least 400 queued one-step runs drained per second;
// (c) listRuns p95 < 50 ms with 1,000,000 runs, for every filter shape (list-runs.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ToolStepRunner } from "@/lib/engine/tool-step-runner";
import { percentile } from "./measure";

const CHILD_FLAG = "--engine-bench-child";
const RESULT_PREFIX = "ENGINE_BENCH_RESULT ";
const ACTOR = { id: null, label: "bench" };

/** Runs one part of the engine bench in a child process with its own database and workspace. */
async function inChild(mode: "steps" | "list"): Promise<Record<string, unknown>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-engine-"));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", fileURLToPath(import.meta.url), CHILD_FLAG, mode], {
        cwd: process.cwd(),
        env: { ...process.env, DATABASE_URL: `file:${path.join(root, "bench.db")}`, SWITCHBOARD_WORKSPACE: path.join(root, "workspace"), SWITCHBOARD_MAX_QUEUED_PER_PIPELINE: "100000" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`engine bench (${mode}) exited with ${code}`))));
    });
    const line = output.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (!line) throw new Error(`engine bench (${mode}) printed no result`);
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export async function benchEngine(): Promise<Record<string, unknown>> {
  const steps = await inChild("steps");
  // BENCH_RUNS=0 skips the listRuns part (its million-row seed is most of the bench's time)
  const listRuns = process.env.BENCH_RUNS === "0" ? "skipped" : await inChild("list");
  return { ...steps, listRuns };
}

const round = (n: number) => Math.round(n * 100) / 100;
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const REFERENCE_BARE_CALL_MS = 0.4;
const OVERHEAD_GOAL_MS = 1.5;
const DRAIN_GOAL_PER_SECOND = 400;

/**
 * Tool-step overhead: runs of 40 echo steps against bare echo calls (through the pool, not recorded) to
 * the same server. A step's time is the gap between one step's tool call entering the runner and the
 * next one's: the whole engine cycle (the step's result, the next step's start, the call recorded before
 * it is sent) plus one call. Statements and commits are counted on the same runs.
 */
async function benchStepOverhead() {
  const { databasePath, workspaceDir } = await import("@/lib/env");
  const Database = (await import("better-sqlite3")).default;
  const { queueRun } = await import("@/lib/engine/queue-run");
  const { Worker } = await import("@/lib/engine/worker");
  const { McpToolStepRunner } = await import("@/lib/engine/mcp-tool-step-runner");
  const { callTool } = await import("@/lib/mcp/send-call");
  const { countSql } = await import("./sql-counter");
  const bareEchoCall = (message: string) => callTool({ server: "everything", tool: "echo", arguments: { message } });
  const steps = 40;
  const yaml = ["name: Bench steps", "steps:", ...Array.from({ length: steps }, (_, i) => `  - { id: s${i}, tool: everything/echo, args: { message: "step ${i}" } }`)].join("\n");
  fs.writeFileSync(path.join(workspaceDir(), "pipelines", "bench-steps.yaml"), `${yaml}\n`);

  const bare: number[] = [];
  for (let i = 0; i < 20; i++) await bareEchoCall("warm up");
  const bareCpu = process.cpuUsage();
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await bareEchoCall(`bare ${i}`);
    bare.push(performance.now() - started);
  }
  const bareCpuMs = cpuMs(process.cpuUsage(bareCpu)) / 200;
  const inner = new McpToolStepRunner();
  let marks: number[] = [];
  const runner: ToolStepRunner = { startsSteps: inner.startsSteps, runTool: (req) => (marks.push(performance.now()), inner.runTool(req)) };
  const worker = await new Worker({ concurrency: 1, runner }).start();
  // the bench polls on a connection of its own, which the counter leaves out
  const poll = new Database(databasePath(), { readonly: true });
  const sql = countSql(poll);
  const perStep: number[] = [];
  const runMeans: number[] = [];
  let countedSteps = 0;
  const runs = 8;
  let stepsCpu = process.cpuUsage();
  for (let r = 0; r < runs; r++) {
    marks = [];
    if (r === 1) {
      sql.reset(); // the first run warms up
      stepsCpu = process.cpuUsage();
    }
    const id = await queueRun({ pipelineSlug: "bench-steps", createdBy: ACTOR });
    await waitUntil(async () => (poll.prepare(`SELECT "status" FROM "Run" WHERE "id" = ?`).get(id) as { status: string }).status === "succeeded", 60_000);
    if (r === 0) continue;
    const gaps = marks.slice(1).map((t, i) => t - marks[i]);
    perStep.push(...gaps);
    runMeans.push(gaps.reduce((s, g) => s + g, 0) / gaps.length);
    countedSteps += steps;
  }
  const stepCpuMs = cpuMs(process.cpuUsage(stepsCpu)) / countedSteps;
  const { statements, commits, writes } = sql.counts;
  poll.close();
  await worker.stop({ graceMs: 1_000 });
  const bareMedian = percentile(bare, 50);
  const overhead = percentile(perStep, 50) - bareMedian;
  const goal = OVERHEAD_GOAL_MS * Math.max(1, bareMedian / REFERENCE_BARE_CALL_MS);
  return {
    bareMcpCallMedianMs: round(bareMedian),
    bareMcpCallP95Ms: round(percentile(bare, 95)),
    toolStepMedianMs: round(percentile(perStep, 50)),
    toolStepP95Ms: round(percentile(perStep, 95)),
    engineOverheadPerStepMedianMs: round(overhead),
    engineOverheadPerStepMeanMs: round(percentile(runMeans, 50) - bareMedian),
    overheadGoalMs: round(goal),
    overheadMeetsGoal: overhead <= goal,
    // CPU time of this process (the MCP server is another): steadier than wall time on a busy machine
    bareMcpCallCpuMs: round(bareCpuMs),
    toolStepCpuMs: round(stepCpuMs),
    engineCpuPerStepMs: round(stepCpuMs - bareCpuMs),
    sqlStatementsPerStep: round(statements / countedSteps),
    sqlWritesPerStep: round(writes / countedSteps),
    commitsPerStep: round(commits / countedSteps),
    topStatements: [...sql.counts.bySql.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 12)
      .map(([text, n]) => `${round(n / countedSteps)}x ${text}`),
  };
}

/** 1,000 queued one-step runs, drained by one worker (default options) through the real MCP pool. */
async function benchDrain(bareMedianMs: number) {
  const { prisma } = await import("@/lib/db/client");
  const { queueRun } = await import("@/lib/engine/queue-run");
  const { Worker } = await import("@/lib/engine/worker");
  const count = 1_000;
  const queueStarted = performance.now();
  for (let i = 0; i < count; i++) await queueRun({ pipelineSlug: "echo-check", inputs: { message: `run ${i}` }, createdBy: ACTOR });
  const queueMs = performance.now() - queueStarted;
  const started = performance.now();
  const worker = await new Worker().start();
  const Database = (await import("better-sqlite3")).default;
  const { databasePath } = await import("@/lib/env");
  const poll = new Database(databasePath(), { readonly: true });
  const unfinished = poll.prepare(`SELECT COUNT(*) AS n FROM "Run" WHERE "pipelineSlug" = 'echo-check' AND "status" IN ('queued', 'running')`);
  await waitUntil(async () => (unfinished.get() as { n: number }).n === 0, 300_000);
  poll.close();
  const drainMs = performance.now() - started;
  await worker.stop({ graceMs: 1_000 });
  const succeeded = await prisma.run.count({ where: { pipelineSlug: "echo-check", status: "succeeded" } });
  const perSecond = count / (drainMs / 1000);
  const goal = DRAIN_GOAL_PER_SECOND / Math.max(1, bareMedianMs / REFERENCE_BARE_CALL_MS);
  return {
    queuedRuns: count,
    queueRunsPerSecond: Math.round(count / (queueMs / 1000)),
    drainRunsPerSecond: Math.round(perSecond),
    drainSeconds: round(drainMs / 1000),
    drainGoalPerSecond: Math.round(goal),
    drainMeetsGoal: perSecond >= goal && succeeded === count,
    succeeded,
  };
}

async function runInChild(mode: string): Promise<Record<string, unknown>> {
  const { migrateDatabase } = await import("@/lib/db/migrate");
  const { databasePath, workspaceDir } = await import("@/lib/env");
  migrateDatabase(databasePath());
  if (mode === "list") {
    const { benchListRuns } = await import("./list-runs");
    return benchListRuns(Number(process.env.BENCH_RUNS ?? 1_000_000));
  }
  const { ensureWorkspace } = await import("@/lib/workspace/seed");
  const { getMcpPool } = await import("@/lib/mcp/pool");
  ensureWorkspace(workspaceDir());
  try {
    const overhead = await benchStepOverhead();
    const drain = await benchDrain(overhead.bareMcpCallMedianMs);
    return { overhead, drain };
  } finally {
    await getMcpPool().shutdown();
  }
}

const childAt = process.argv.indexOf(CHILD_FLAG);
if (childAt >= 0) {
  const result = await runInChild(process.argv[childAt + 1] ?? "steps");
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
  process.exit(0);
}
