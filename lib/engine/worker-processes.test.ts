import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { exited } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";
import { queueRun } from "@/lib/engine/queue-run";
import { recoverInterruptedRuns } from "@/lib/engine/recovery";
import type { ToolStepRequest, ToolStepResult } from "@/lib/engine/tool-step-runner";
import { Worker } from "@/lib/engine/worker";

const children: ChildProcess[] = [];
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-workers-"));

function spawnWorker(name: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; log: string }> {
  const log = path.join(logDir, `${name}.log`);
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/testing/worker-process.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, LOG_FILE: log, WORKER_ID: name, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve({ child, log });
    });
    child.on("exit", (code) => reject(new Error(`worker ${name} exited early (${code})`)));
  });
}

function logLines(file: string): string[][] {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" "))
    : [];
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
  }
});

beforeAll(() => {
  writePipeline("pair", "name: Pair\nsteps:\n  - id: s1\n    tool: test/sleep\n    args: { ms: 12 }\n  - id: s2\n    tool: test/echo\n    args: { message: '{{ steps.s1.text }}' }\n");
  writePipeline(
    "crashy",
    "name: Crashy\nsteps:\n  - id: s1\n    tool: test/echo\n    args: { message: first }\n  - id: s2\n    tool: test/sleep\n    args: { ms: 60000 }\n  - id: s3\n    tool: test/echo\n    args: { message: '{{ steps.s1.text }}' }\n",
  );
});

describe("worker processes on one database file", () => {
  it("two processes never run the same step", async () => {
    const [a, b] = await Promise.all([spawnWorker("proc-a"), spawnWorker("proc-b")]);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await queueRun({ pipelineSlug: "pair", createdBy: ACTOR }));
    // a failure here is "never finished", not "too slow": the bound is far past a busy machine's pace
    for (const id of ids) await waitForRunStatus(id, ["succeeded"], 300_000);
    const starts = [...logLines(a.log), ...logLines(b.log)].filter((l) => l[0] === "start");
    const keys = starts.map((l) => `${l[1]}:${l[2]}:${l[3]}`);
    expect(keys).toHaveLength(80);
    expect(new Set(keys).size).toBe(80);
    expect(new Set(starts.map((l) => l[5])).size).toBe(2);
  }, 600_000);

  it("after kill -9 mid-step, recovery resumes the run: nothing stays running, no succeeded step runs again", async () => {
    const { child, log } = await spawnWorker("doomed");
    const id = await queueRun({ pipelineSlug: "crashy", createdBy: ACTOR });
    await waitFor(() => logLines(log).some((l) => l[0] === "start" && l[1] === id && l[2] === "s2"), undefined, "s2 to start");
    child.kill("SIGKILL");
    await exited(child);
    expect((await prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } })).status).toBe("running");

    // what time does to a dead worker's lease, done directly: its lease has run out
    await prisma.run.update({ where: { id }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
    expect(await recoverInterruptedRuns()).toEqual({ resumed: [id], failed: [], cancelled: [] });
    expect(await recoverInterruptedRuns()).toEqual({ resumed: [], failed: [], cancelled: [] });

    class FastRunner extends ScriptedRunner {
      override runTool(req: ToolStepRequest): Promise<ToolStepResult> {
        return super.runTool(req.tool === "sleep" ? { ...req, arguments: { ms: 4 } } : req);
      }
    }
    const runner = new FastRunner();
    const worker = await new Worker({ runner, pollMs: 20 }).start();
    try {
      await waitForRunStatus(id, ["succeeded"]);
    } finally {
      await worker.stop({ graceMs: 1_000 });
    }
    expect(runner.calls.map((c) => [c.stepId, c.attempt, c.idempotencyKey])).toEqual([
      ["s2", 2, `${id}:s2:1`],
      ["s3", 1, `${id}:s3:1`],
    ]);
    expect((await stepRows(id)).map((s) => [s.stepId, s.attempt, s.status])).toEqual([
      ["s1", 1, "succeeded"],
      ["s2", 1, "failed"],
      ["s2", 2, "succeeded"],
      ["s3", 1, "succeeded"],
    ]);
    expect(await prisma.run.count({ where: { status: "running" } })).toBe(0);
    const [check] = await prisma.$queryRawUnsafe<{ integrity_check: string }[]>("PRAGMA integrity_check");
    expect(check.integrity_check).toBe("ok");
  }, 60_000);
});
