// What a restart does to a wait for input, with the real worker process (`npm run worker`) killed with -9
// while its run waits, and a new one started after:
// - input_required (2026-07-28) survives it: the request and the server's requestState are in the
//   database, the answer requeues the run, and the new worker sends the call again with them;
// - an old-style elicitation/create lives only as long as its call: the kill ends it, and the new worker's
//   recovery ends the step as an interrupted call, whose next attempt follows the exactly-once rules
//   (trigger-elicitation-request is neither read-only nor idempotent: outcome unknown, for a person).
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { answerInput } from "@/lib/engine/input-waits";
import { queueRun } from "@/lib/engine/queue-run";
import { getRunDetail } from "@/lib/engine/run-detail";
import { attemptMarker } from "@/lib/engine/step-output";
import { ACTOR, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { EVERYTHING, writeMcpJson } from "@/lib/testing/mcp-servers";
import { modernServerEntry } from "@/lib/testing/modern-server";
import { childPids, exited, isAlive } from "@/lib/testing/processes";
import { startRealWorker } from "@/lib/testing/real-worker";
import { waitFor } from "@/lib/testing/wait-for";

const suffix = Math.random().toString(36).slice(2, 8);
const callsFile = path.join(workspaceDir(), `modern-calls-${suffix}.jsonl`);
const workerLog = path.join(workspaceDir(), `workers-${suffix}.log`);
const children: ChildProcess[] = [];

beforeAll(() => {
  writeMcpJson({ everything: { command: process.execPath, args: [EVERYTHING, "stdio"] }, modern: modernServerEntry({ CALLS_FILE: callsFile }) });
  for (const [slug, tool] of [
    [`restart-new-${suffix}`, "modern/ask_name"],
    [`restart-old-${suffix}`, "everything/trigger-elicitation-request"],
  ]) {
    writePipeline(slug, `name: ${slug}\nsteps:\n  - id: ask\n    tool: ${tool}\n    args: {}\n`);
  }
});

afterAll(async () => {
  for (const pid of orphans) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
  }
});

const startWorker = (env: Record<string, string> = {}) => startRealWorker(workerLog, children, env);

const orphans: number[] = [];

/**
 * kill -9, and the end of its MCP servers (their stdin closes with it). A server that waits for its
 * elicitation's answer outlives its stdin until its own timeout (server-everything's: 10 minutes), as it
 * would after a real crash; the test ends those itself.
 */
async function kill9(child: ChildProcess, options: { serversEnd: boolean }) {
  const mcpChildren = childPids(child.pid ?? -1);
  child.kill("SIGKILL");
  await exited(child);
  if (options.serversEnd) await waitFor(() => mcpChildren.every((pid) => !isAlive(pid)), undefined, `the killed worker's MCP servers (${mcpChildren.join(", ")}) to end`);
  else orphans.push(...mcpChildren);
}

const rounds = () =>
  fs.existsSync(callsFile)
    ? fs
        .readFileSync(callsFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { round?: number }).round)
    : [];

describe("a restart during a wait for input", { timeout: 240_000 }, () => {
  it("input_required survives kill -9: answered after the restart, the new worker retries from the stored requestState", async () => {
    const first = await startWorker();
    const runId = await queueRun({ pipelineSlug: `restart-new-${suffix}`, createdBy: ACTOR });
    const request = await waitFor(() => prisma.stepInputRequest.findFirst({ where: { runId, status: "pending" } }), 60_000, "the run to wait for input");
    await kill9(first.child, { serversEnd: true });
    // nothing of the wait was in the killed process
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, leaseOwner: true } })).toEqual({ status: "waiting", leaseOwner: null });
    expect((await getRunDetail(runId))?.steps[0].inputRequest?.message).toBe("What is your name?");

    await answerInput({ runId, stepId: "ask", action: "accept", content: { name: "Grace" }, actor: ACTOR });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("queued");
    await startWorker();
    await waitForRunStatus(runId, ["succeeded"], 120_000);
    const [step] = await stepRows(runId);
    expect(JSON.parse(step.outputJson ?? "{}").text).toBe("Hello, Grace");
    expect(step.attempt).toBe(1);
    expect(rounds()).toEqual([1, 2]);
    expect(await prisma.toolCall.findMany({ where: { runId }, select: { id: true, status: true } })).toEqual([{ id: request.toolCallId, status: "succeeded" }]);
  });

  it("an old-style wait ends with its worker: the step becomes an interrupted call and its outcome is unknown", async () => {
    // the worker of the test above is still running: it takes this run
    const runId = await queueRun({ pipelineSlug: `restart-old-${suffix}`, createdBy: ACTOR });
    const request = await waitFor(() => prisma.stepInputRequest.findFirst({ where: { runId, status: "pending" } }), 60_000, "the run to wait for input");
    const holder = children.at(-1);
    if (!holder) throw new Error("no worker");
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).leaseOwner).toBe(request.workerId);
    await kill9(holder, { serversEnd: false });
    // what time would do to its lease, set directly (no waiting for it to run out)
    await prisma.run.update({ where: { id: runId }, data: { leaseExpiresAt: new Date(Date.now() - 1_000) } });
    await startWorker();
    const waiting = await waitFor(
      async () => {
        const rows = await stepRows(runId);
        return rows.length === 2 && rows[1].status === "waiting" ? rows : null;
      },
      120_000,
      "the next attempt to wait for a decision",
    );
    expect(waiting[0]).toMatchObject({ attempt: 1, status: "failed" });
    expect(attemptMarker(waiting[0].outputJson).interrupted).toBe(true);
    expect(waiting[0].error).toMatch(/old-style request .* lives only as long as its call/);
    expect(attemptMarker(waiting[1].outputJson).outcomeUnknown).toBe(true);
    expect((await getRunDetail(runId))?.waitingFor).toBe("outcome-unknown");
    expect((await prisma.stepInputRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("expired");
    // the call was not sent again: a person checks and decides
    expect(await prisma.toolCall.count({ where: { runId } })).toBe(1);
  });

  it("a graceful stop (SIGTERM) ends an old-style wait at once as an interrupted call: the run goes back to the queue", async () => {
    const { child } = await startWorker({ SWITCHBOARD_SHUTDOWN_GRACE_S: "1" });
    // two workers are up now (the one of the test above, and this one): stop the older first, so this one takes the run
    const older = children.at(-2);
    if (older && older.exitCode === null && older.signalCode === null) {
      older.kill("SIGTERM");
      await exited(older);
    }
    const runId = await queueRun({ pipelineSlug: `restart-old-${suffix}`, createdBy: ACTOR });
    const request = await waitFor(() => prisma.stepInputRequest.findFirst({ where: { runId, status: "pending" } }), 60_000, "the run to wait for input");
    child.kill("SIGTERM");
    await exited(child);
    // no lease to wait out: the stopping worker handed the run back itself
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, leaseOwner: true } })).toEqual({ status: "queued", leaseOwner: null });
    const rows = await stepRows(runId);
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([
      [1, "failed"],
      [2, "pending"],
    ]);
    expect(attemptMarker(rows[0].outputJson).interrupted).toBe(true);
    expect(rows[0].error).toMatch(/Interrupted by shutdown while the tool waited for input/);
    expect((await prisma.stepInputRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("expired");
  });
});
