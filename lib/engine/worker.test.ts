import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, ScriptedRunner, stepRows, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { waitFor } from "@/lib/testing/wait-for";
import { queueRun } from "@/lib/engine/queue-run";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";

const workers: Worker[] = [];
async function startTestWorker(runner: ScriptedRunner, options: { concurrency?: number; id?: string } = {}) {
  const worker = new Worker({ runner, pollMs: 20, leaseMs: 60_000, ...options });
  workers.push(worker);
  return worker.start();
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 2_000 })));
});

beforeAll(async () => {
  await ensureClient("acme");
  await ensureClient("globex");
  writePipeline(
    "chain",
    `name: Chain
inputs:
  word: { type: string, default: hello }
steps:
  - id: a
    tool: test/json
    args: { value: { n: 5, items: [{ title: "first {{ inputs.word }}" }] } }
  - id: b
    tool: test/json
    args: { value: "{{ steps.a.json.n }}" }
  - id: c
    tool: test/echo
    args: { message: "n={{ steps.b.json }} title={{ steps.a.json.items.0.title }} text={{ steps.a.text }}" }
  - id: d
    tool: test/sleep
    args: { ms: 40 }
`,
  );
  writePipeline("fails", "name: Fails\nsteps:\n  - id: a\n    tool: test/fail\n    args: { message: 'quota exceeded for <b>acme</b>' }\n  - id: b\n    tool: test/echo\n    args: { message: x }\n");
  writePipeline("missing", "name: Missing\nsteps:\n  - id: a\n    tool: test/json\n    args: { value: { x: 1 } }\n  - id: b\n    tool: test/echo\n    args: { message: '{{ steps.a.json.y }}' }\n");
  writePipeline("agent", "name: Agent\nsteps:\n  - id: a\n    agent: { runner: anthropic, prompt: hi }\n");
  writePipeline("slow", "name: Slow\nconcurrency: 1\nsteps:\n  - id: a\n    tool: test/block\n    args: { message: '{{ client.slug }}' }\n");
  writePipeline("quick", "name: Quick\nsteps:\n  - id: one\n    tool: test/sleep\n    args: { ms: 8 }\n  - id: two\n    tool: test/echo\n    args: { message: '{{ steps.one.text }}' }\n");
});

describe("Worker", () => {
  it("chains outputs between steps, keeps whole-value types, and records events", async () => {
    const runner = new ScriptedRunner();
    await startTestWorker(runner);
    const id = await queueRun({ pipelineSlug: "chain", createdBy: ACTOR });
    await waitForRunStatus(id, ["succeeded"]);
    expect(runner.calls.map((c) => c.arguments)).toEqual([
      { value: { n: 5, items: [{ title: "first hello" }] } },
      { value: 5 },
      { message: 'n=5 title=first hello text={"n":5,"items":[{"title":"first hello"}]}' },
      { ms: 40 },
    ]);
    expect(runner.calls.map((c) => c.idempotencyKey)).toEqual([`${id}:a:1`, `${id}:b:1`, `${id}:c:1`, `${id}:d:1`]);
    const detail = await getRunDetail(id);
    expect(detail?.steps.map((s) => [s.id, s.status, s.attempt])).toEqual([
      ["a", "succeeded", 1],
      ["b", "succeeded", 1],
      ["c", "succeeded", 1],
      ["d", "succeeded", 1],
    ]);
    expect(detail?.steps[1].output).toEqual({ text: "5", json: 5, content: [{ type: "text", text: "5" }], isError: false });
    expect(detail?.startedAt).toBeInstanceOf(Date);
    expect(detail?.finishedAt).toBeInstanceOf(Date);
    const messages = detail?.events.map((e) => `${e.type}: ${e.message}`) ?? [];
    expect(messages[0]).toMatch(/^status: Queued by Test/);
    expect(messages).toContain('status: Step "a" started');
    expect(messages).toContain("progress: 4/4 sleeping");
    expect(messages.at(-1)).toBe("status: Run succeeded");
  });

  it("fails the step and the run with the server's message when a tool returns isError", async () => {
    await startTestWorker(new ScriptedRunner());
    const id = await queueRun({ pipelineSlug: "fails", createdBy: ACTOR });
    const run = await waitForRunStatus(id, ["failed"]);
    expect(run.error).toBe('Step "a" failed: test/fail returned an error: quota exceeded for <b>acme</b>');
    const steps = await stepRows(id);
    expect(steps.map((s) => [s.stepId, s.status])).toEqual([
      ["a", "failed"],
      ["b", "pending"],
    ]);
    expect(JSON.parse(steps[0].outputJson ?? "null")).toMatchObject({ isError: true, text: "quota exceeded for <b>acme</b>" });
  });

  it("fails clearly when a template finds no value, and on an agent step whose runner is not set up", async () => {
    await startTestWorker(new ScriptedRunner());
    const missing = await queueRun({ pipelineSlug: "missing", createdBy: ACTOR });
    expect((await waitForRunStatus(missing, ["failed"])).error).toBe('Step "b" failed: Arguments: {{ steps.a.json.y }} has no value in this run');
    delete process.env.ANTHROPIC_API_KEY;
    const agent = await queueRun({ pipelineSlug: "agent", createdBy: ACTOR });
    expect((await waitForRunStatus(agent, ["failed"])).error).toBe(`Step "a" failed: The anthropic runner is not set up: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for another endpoint) in Switchboard's environment`);
  });

  it("keeps a pipeline's concurrency per client while different clients run in parallel", async () => {
    const runner = new ScriptedRunner();
    await startTestWorker(runner, { concurrency: 4 });
    const ids: string[] = [];
    for (const client of ["acme", "acme", "acme", "globex", "globex"]) ids.push(await queueRun({ pipelineSlug: "slow", clientSlug: client, createdBy: ACTOR }));
    // the first run of each client blocks until the gate opens: both clients run at once
    await waitFor(() => runner.active === 2, undefined, "one run per client to start");
    // a later run of another pipeline is claimed only after every older run that had room was claimed
    const sentinel = await queueRun({ pipelineSlug: "quick", createdBy: ACTOR });
    await waitForRunStatus(sentinel, ["succeeded"]);
    const held = await prisma.run.findMany({ where: { id: { in: ids } }, select: { status: true, client: { select: { slug: true } } }, orderBy: { createdAt: "asc" } });
    expect(held.map((r) => [r.client?.slug, r.status])).toEqual([
      ["acme", "running"],
      ["acme", "queued"],
      ["acme", "queued"],
      ["globex", "running"],
      ["globex", "queued"],
    ]);
    runner.openGate();
    for (const id of ids) await waitForRunStatus(id, ["succeeded"]);
    expect(runner.maxActiveByClient.get("acme")).toBe(1);
    expect(runner.maxActiveByClient.get("globex")).toBe(1);
  });

  it("two workers in one process never run the same step", async () => {
    const runnerA = new ScriptedRunner();
    const runnerB = new ScriptedRunner();
    await startTestWorker(runnerA, { id: "worker-a" });
    await startTestWorker(runnerB, { id: "worker-b" });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await queueRun({ pipelineSlug: "quick", createdBy: ACTOR }));
    for (const id of ids) await waitForRunStatus(id, ["succeeded"]);
    const calls = [...runnerA.calls, ...runnerB.calls].filter((c) => ids.includes(c.runId));
    const keys = calls.map((c) => `${c.runId}:${c.stepId}:${c.attempt}`);
    expect(keys.length).toBe(60);
    expect(new Set(keys).size).toBe(60);
    expect(runnerA.calls.length).toBeGreaterThan(0);
    expect(runnerB.calls.length).toBeGreaterThan(0);
  });
});
