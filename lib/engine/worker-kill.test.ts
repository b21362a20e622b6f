// SECURITY.md row 22: kill -9 of the real worker process (`npm run worker`) ten times while multi-step
// runs call real MCP servers, each time at a point chosen at random from the database's state (in the
// middle of a call, or after a random number of finished steps), then a restart. In the end no run is
// stuck, no step that succeeded ran again, every side effect happened exactly once, and the SQLite
// file is intact. The side effects are lines appended by server-filesystem's edit_file (not
// idempotent): a line written twice would show. A call whose outcome is unknown waits for a human, as
// SECURITY.md says; the test plays that human, checking the file before choosing "skip" or "send again".
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { queueRun } from "@/lib/engine/queue-run";
import { resolveUnknownOutcome, retryRun } from "@/lib/engine/run-control";
import { attemptMarker } from "@/lib/engine/step-output";
import { ACTOR, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, FILESYSTEM, writeMcpJson } from "@/lib/testing/mcp-servers";
import { exited } from "@/lib/testing/processes";
import { crashRealWorker, startRealWorker } from "@/lib/testing/real-worker";
import { waitFor } from "@/lib/testing/wait-for";

const KILLS = 10;
const MARKS = ["mark1", "mark2"];
const effects = path.join(workspaceDir(), "effects");
const workerLog = path.join(workspaceDir(), "workers.log");
const children: ChildProcess[] = [];
const runIds: string[] = [];

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
  }
});

const ACTIVE = ["queued", "running"];
const activeRuns = () => prisma.run.count({ where: { id: { in: runIds }, status: { in: ACTIVE } } });
const succeededSteps = () => prisma.runStep.count({ where: { runId: { in: runIds }, status: "succeeded" } });

async function queueSome(n: number) {
  for (let i = 0; i < n; i++) {
    const tag = `run-${runIds.length + 1}`;
    runIds.push(await queueRun({ pipelineSlug: "ledger", inputs: { tag }, createdBy: ACTOR }));
  }
}

/** Waits for a random point of the work, read from the database. Returns false when the work ran out first. */
async function randomPoint(round: number, since: Date): Promise<boolean> {
  if (Math.random() < 0.5) {
    // in the middle of a tool call this worker sent: recorded as started, no result yet
    const inFlight = { runId: { in: runIds }, status: "started", startedAt: { gt: since }, runStep: { status: "running" } };
    const hit = await waitFor(
      async () => ((await prisma.toolCall.findFirst({ where: inFlight, select: { id: true } })) ? "mid-call" : (await activeRuns()) === 0 ? "idle" : null),
      60_000,
      `round ${round}: a call in flight`,
    );
    return hit === "mid-call";
  }
  const target = (await succeededSteps()) + 1 + Math.floor(Math.random() * 4);
  const hit = await waitFor(async () => ((await succeededSteps()) >= target ? "steps" : (await activeRuns()) === 0 ? "idle" : null), 60_000, `round ${round}: ${target} succeeded steps`);
  return hit === "steps";
}

/** The human's part at the end: decide unknown outcomes by looking at the file, retry runs failed by repeated interruptions. */
async function settle(): Promise<void> {
  const waiting = await prisma.runStep.findMany({ where: { runId: { in: runIds }, status: "waiting" }, select: { runId: true, stepId: true, outputJson: true } });
  for (const step of waiting) {
    if (!attemptMarker(step.outputJson).outcomeUnknown) continue;
    const run = await prisma.run.findUniqueOrThrow({ where: { id: step.runId }, select: { inputsJson: true } });
    const tag = (JSON.parse(run.inputsJson) as { tag: string }).tag;
    const file = path.join(effects, `${tag}.txt`);
    const happened = fs.existsSync(file) && fs.readFileSync(file, "utf8").split("\n").includes(step.stepId);
    await resolveUnknownOutcome({ runId: step.runId, stepId: step.stepId, action: happened ? "skip" : "retry", actor: ACTOR });
  }
  const failed = await prisma.run.findMany({ where: { id: { in: runIds }, status: "failed" }, select: { id: true, error: true } });
  for (const run of failed) {
    // interruptions, or a server that could not start in time on a loaded machine (nothing was sent)
    expect(run.error, "only interruptions or a server start fail a run here").toMatch(/Interrupted|Could not start/);
    await retryRun(run.id, ACTOR);
  }
}

describe("kill -9 of the worker process during runs, ten times", () => {
  it("leaves no run stuck, runs no succeeded step again, makes every side effect once, and keeps the database intact", async () => {
    fs.mkdirSync(effects, { recursive: true });
    writeMcpJson({
      files: { command: "node", args: [FILESYSTEM, effects] },
      everything: { command: "node", args: [EVERYTHING, "stdio"] },
    });
    const file = `${effects}/{{ inputs.tag }}.txt`;
    const wait = "    tool: everything/trigger-long-running-operation\n    args: { duration: 0.6, steps: 3 }\n";
    const mark = (m: string) => `    tool: files/edit_file\n    args: { path: "${file}", edits: [{ oldText: "END", newText: "${m}\\nEND" }] }\n`;
    writePipeline(
      "ledger",
      `name: Ledger\ninputs:\n  tag: { type: string, required: true }\nsteps:\n` +
        `  - id: open\n    tool: files/write_file\n    args: { path: "${file}", content: "BEGIN\\nEND\\n" }\n` +
        `  - id: wait1\n${wait}  - id: mark1\n${mark("mark1")}  - id: wait2\n${wait}  - id: mark2\n${mark("mark2")}`,
    );
    await queueSome(8);

    let kills = 0;
    for (let round = 1; kills < KILLS; round++) {
      expect(round, "rounds needed for ten kills during work").toBeLessThanOrEqual(3 * KILLS);
      if ((await activeRuns()) === 0) await queueSome(3);
      const since = new Date();
      const worker = await startRealWorker(workerLog, children);
      const duringWork = await randomPoint(round, since);
      await crashRealWorker(worker);
      if (duringWork) kills += 1;
    }

    // a last worker that is not killed; the human decides what only a human can
    const { child } = await startRealWorker(workerLog, children);
    for (let pass = 0; ; pass++) {
      expect(pass, "passes until every run succeeded").toBeLessThan(10);
      await waitFor(async () => (await activeRuns()) === 0, 120_000, "every run to stop moving");
      if ((await prisma.run.count({ where: { id: { in: runIds }, status: { not: "succeeded" } } })) === 0) break;
      await settle();
    }
    child.kill("SIGTERM");
    await exited(child);

    const runs = await prisma.run.findMany({ where: { id: { in: runIds } }, select: { id: true, status: true, inputsJson: true, steps: { select: { stepId: true, attempt: true, status: true } } } });
    expect(runs.map((r) => r.status).filter((s) => s !== "succeeded")).toEqual([]);
    for (const run of runs) {
      for (const stepId of ["open", "wait1", ...MARKS.slice(0, 1), "wait2", ...MARKS.slice(1)]) {
        const attempts = run.steps.filter((s) => s.stepId === stepId).sort((a, b) => a.attempt - b.attempt);
        const done = attempts.filter((s) => s.status === "succeeded" || s.status === "skipped");
        // exactly one attempt ended the step, and it was the last: nothing ran after a success
        expect(
          done.map((s) => s.attempt),
          `${run.id} ${stepId}`,
        ).toEqual([attempts.at(-1)?.attempt]);
      }
      const tag = (JSON.parse(run.inputsJson) as { tag: string }).tag;
      expect(fs.readFileSync(path.join(effects, `${tag}.txt`), "utf8"), `the effects of ${tag}`).toBe(`BEGIN\n${MARKS.join("\n")}\nEND\n`);
    }
    const [check] = await prisma.$queryRawUnsafe<{ integrity_check: string }[]>("PRAGMA integrity_check");
    expect(check.integrity_check).toBe("ok");
    const interrupted = await prisma.runStep.count({ where: { runId: { in: runIds }, error: { contains: "Interrupted" } } });
    expect(interrupted, "kills that landed in the middle of a step").toBeGreaterThan(0);
  }, 1_800_000);
});
