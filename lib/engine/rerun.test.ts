// Rerun: a finished run queued again with the same pipeline, inputs and client, only its agent steps'
// runner and model switched; and every way it is refused. Real SQLite, real engine functions; no worker
// runs here (a cancelled run is a finished one), so each new run is inspected as it was queued.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as rerunRoute } from "@/app/api/runs/[id]/rerun/route";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { prisma } from "@/lib/db";
import { resetEnvForTests, workspaceDir } from "@/lib/env";
import { SafeError } from "@/lib/errors";
import { queueRun } from "@/lib/engine/queue-run";
import { rerunRun } from "@/lib/engine/rerun";
import { cancelRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import { ACTOR, ensureClient, writePipeline } from "@/lib/testing/engine";

const suffix = Math.random().toString(36).slice(2, 8);
const client = `rerun-${suffix}`;
const agentPipeline = `rerun-agents-${suffix}`;
const toolPipeline = `rerun-tools-${suffix}`;

beforeAll(async () => {
  process.env.SWITCHBOARD_DISABLE_WORKER = "1";
  resetEnvForTests();
  await ensureClient(client);
  writePipeline(
    agentPipeline,
    `name: Two agents
inputs:
  topic: { type: string, required: true }
  words: { type: number, default: 300 }
steps:
  - id: research
    tool: everything/echo
    args: { message: "{{ inputs.topic }}" }
  - id: draft
    agent:
      runner: claude-code
      model: claude-sonnet-test
      prompt: "Write {{ inputs.words }} words on {{ inputs.topic }}"
      tools: [everything/echo]
      max_turns: 4
      builtin: [Read]
  - id: polish
    agent:
      runner: anthropic
      prompt: "Polish {{ steps.draft.text }}"
  - id: review
    approval: { title: "Post", body: "{{ steps.polish.text }}" }
`,
  );
  writePipeline(toolPipeline, "name: Tools only\nsteps:\n  - id: a\n    tool: everything/echo\n    args: { message: hi }\n");
});

afterAll(() => {
  delete process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE;
  resetEnvForTests();
});

/** A finished run of the agent pipeline: queued, then cancelled before any worker took it. */
async function finishedRun(pipelineSlug = agentPipeline, inputs: Record<string, unknown> = { topic: `otters ${suffix}` }) {
  const id = await queueRun({ pipelineSlug, clientSlug: client, inputs, createdBy: ACTOR, trigger: "manual" });
  await cancelRun(id, ACTOR);
  return id;
}

const stored = (id: string) =>
  prisma.run.findUniqueOrThrow({
    where: { id },
    select: { pipelineSlug: true, pipelineJson: true, inputsJson: true, clientId: true, status: true, trigger: true, rerunOfId: true, rerunRunner: true, rerunModel: true, steps: { select: { stepId: true, kind: true, status: true } } },
  });

type Snapshot = { steps: { id: string; agent?: Record<string, unknown> }[] } & Record<string, unknown>;
const agentsOf = (json: string) => (JSON.parse(json) as Snapshot).steps.filter((s) => s.agent).map((s) => s.agent);

async function refusal(promise: Promise<unknown>): Promise<SafeError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SafeError);
  return error as SafeError;
}

describe("rerun", () => {
  it("keeps the pipeline, inputs and client, and switches only every agent step's runner (dropping a model that belonged to the old runner)", async () => {
    const originalId = await finishedRun();
    const { id } = await rerunRun(originalId, { runner: "openai" }, ACTOR);
    const [original, rerun] = await Promise.all([stored(originalId), stored(id)]);
    expect(rerun).toMatchObject({ status: "queued", trigger: "rerun", rerunOfId: originalId, rerunRunner: "openai", rerunModel: null });
    expect([rerun.pipelineSlug, rerun.inputsJson, rerun.clientId]).toEqual([original.pipelineSlug, original.inputsJson, original.clientId]);
    expect(JSON.parse(rerun.inputsJson)).toEqual({ topic: `otters ${suffix}`, words: 300 });
    expect(rerun.steps.map((s) => [s.stepId, s.kind, s.status])).toEqual(original.steps.map((s) => [s.stepId, s.kind, "pending"]));
    // the snapshot the worker will run differs from the original's in the runner (and its model) only
    const expected = JSON.parse(original.pipelineJson) as Snapshot;
    for (const step of expected.steps) {
      if (!step.agent) continue;
      step.agent.runner = "openai";
      delete step.agent.model;
    }
    expect(JSON.parse(rerun.pipelineJson)).toEqual(expected);
    expect(agentsOf(rerun.pipelineJson)).toEqual([
      { runner: "openai", prompt: "Write {{ inputs.words }} words on {{ inputs.topic }}", tools: ["everything/echo"], max_turns: 4, builtin: ["Read"] },
      { runner: "openai", prompt: "Polish {{ steps.draft.text }}", tools: [], builtin: [] },
    ]);
    const audit = await prisma.auditLog.findFirst({ where: { action: "run.rerun", targetId: id }, select: { dataJson: true } });
    expect(JSON.parse(audit?.dataJson ?? "{}")).toEqual({ rerunOf: originalId, runner: "openai", model: null });
  });

  it("a model alone keeps each step's runner; runner and model together set both; nothing switches nothing", async () => {
    const originalId = await finishedRun();
    const modelOnly = await stored((await rerunRun(originalId, { model: "claude-opus-test" }, ACTOR)).id);
    expect(agentsOf(modelOnly.pipelineJson).map((a) => [a?.runner, a?.model])).toEqual([["claude-code", "claude-opus-test"], ["anthropic", "claude-opus-test"]]);
    expect([modelOnly.rerunRunner, modelOnly.rerunModel]).toEqual([null, "claude-opus-test"]);

    const both = await stored((await rerunRun(originalId, { runner: "codex", model: " gpt-test " }, ACTOR)).id);
    expect(agentsOf(both.pipelineJson).map((a) => [a?.runner, a?.model])).toEqual([["codex", "gpt-test"], ["codex", "gpt-test"]]);

    // the same runner as a step already has keeps that step's model
    const same = await stored((await rerunRun(originalId, { runner: "claude-code", model: "" }, ACTOR)).id);
    expect(agentsOf(same.pipelineJson).map((a) => [a?.runner, a?.model])).toEqual([["claude-code", "claude-sonnet-test"], ["claude-code", undefined]]);

    const plain = await stored((await rerunRun(originalId, {}, ACTOR)).id);
    expect(plain.pipelineJson).toBe((await stored(originalId)).pipelineJson);
    expect(plain.rerunOfId).toBe(originalId);
  });

  it("the run page's detail links the rerun to its original and the original to its reruns", async () => {
    const originalId = await finishedRun();
    const { id } = await rerunRun(originalId, { runner: "anthropic", model: "claude-test" }, ACTOR);
    const [original, rerun] = await Promise.all([getRunDetail(originalId), getRunDetail(id)]);
    expect(rerun?.rerunOf).toEqual({ id: originalId, runner: "anthropic", model: "claude-test" });
    expect(rerun?.canRerun).toBe(false);
    expect(original?.canRerun).toBe(true);
    expect(original?.reruns.map((r) => [r.id, r.runner, r.model, r.status])).toEqual([[id, "anthropic", "claude-test", "queued"]]);
  });
});

describe("rerun refusals", () => {
  it("refuses a run that has not finished, an unknown run, and an unknown runner, and queues nothing", async () => {
    const queuedId = await queueRun({ pipelineSlug: agentPipeline, clientSlug: client, inputs: { topic: "x" }, createdBy: ACTOR, trigger: "manual" });
    const finishedId = await finishedRun();
    const before = await prisma.run.count();
    const notFinished = await refusal(rerunRun(queuedId, { runner: "codex" }, ACTOR));
    expect([notFinished.status, notFinished.message]).toEqual([409, "Only a finished run can be run again; this run is queued"]);
    expect((await refusal(rerunRun(`missing${suffix}`, {}, ACTOR))).status).toBe(404);
    const unknownRunner = await refusal(rerunRun(finishedId, { runner: "gpt-9000" }, ACTOR));
    expect([unknownRunner.status, unknownRunner.message]).toEqual([400, "Unknown runner: use one of claude-code, codex, anthropic, openai"]);
    expect((await refusal(rerunRun(finishedId, { model: "x; rm -rf /" }, ACTOR))).message).toMatch(/^model may hold only/);
    expect(await prisma.run.count()).toBe(before);
  });

  it("refuses when the pipeline is gone or no longer valid, and a runner switch for a pipeline with no agent steps", async () => {
    const gone = `rerun-gone-${suffix}`;
    writePipeline(gone, "name: Gone\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    const goneRun = await finishedRun(gone, {});
    const broken = `rerun-broken-${suffix}`;
    writePipeline(broken, "name: Broken\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    const brokenRun = await finishedRun(broken, {});
    fs.rmSync(path.join(workspaceDir(), "pipelines", `${gone}.yaml`));
    writePipeline(broken, "name: Broken\nsteps:\n  - id: a\n    agent: { runner: nobody, prompt: hi }\n");
    const before = await prisma.run.count();

    const goneError = await refusal(rerunRun(goneRun, {}, ACTOR));
    expect([goneError.status, goneError.message]).toEqual([409, `The pipeline "${gone}" no longer exists in the workspace, so this run cannot be run again`]);
    const brokenError = await refusal(rerunRun(brokenRun, { runner: "codex" }, ACTOR));
    expect(brokenError.status).toBe(422);
    expect(brokenError.message).toMatch(new RegExp(`^The pipeline "${broken}" has errors: .*runner.*expected one of claude-code, codex, anthropic, openai`));
    const toolsOnly = await refusal(rerunRun(await finishedRun(toolPipeline, {}), { runner: "codex" }, ACTOR));
    expect([toolsOnly.status, toolsOnly.message]).toEqual([422, '"Tools only" has no agent steps: there is no runner or model to switch']);
    expect(await prisma.run.count()).toBe(before + 1); // the tools-only run itself, never a rerun
  });

  it("goes through the queue's own checks: inputs the pipeline no longer accepts, an archived client, the queued-runs cap", async () => {
    const changing = `rerun-changing-${suffix}`;
    writePipeline(changing, "name: Changing\ninputs:\n  topic: { type: string }\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    const runId = await finishedRun(changing, { topic: "kept" });
    writePipeline(changing, "name: Changing\ninputs:\n  subject: { type: string, required: true }\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    expect((await refusal(rerunRun(runId, {}, ACTOR))).message).toMatch(/^Check the inputs: /);

    const capped = `rerun-capped-${suffix}`;
    writePipeline(capped, "name: Capped\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    const cappedRun = await finishedRun(capped, {});
    process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE = "1";
    resetEnvForTests();
    try {
      await rerunRun(cappedRun, { runner: "anthropic" }, ACTOR);
      const overCap = await refusal(rerunRun(cappedRun, { runner: "anthropic" }, ACTOR));
      expect([overCap.status, overCap.message]).toEqual([429, '1 runs of "Capped" for this client are already queued; wait for them to start or cancel some (limit: SWITCHBOARD_MAX_QUEUED_PER_PIPELINE)']);
    } finally {
      delete process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE;
      resetEnvForTests();
    }

    const archived = `rerun-arch-${suffix}`;
    await ensureClient(archived);
    const archivedRun = await queueRun({ pipelineSlug: capped, clientSlug: archived, createdBy: ACTOR, trigger: "manual" });
    await cancelRun(archivedRun, ACTOR);
    await ensureClient(archived, { archived: true });
    expect((await refusal(rerunRun(archivedRun, {}, ACTOR))).message).toBe(`The client "${archived}" is archived; unarchive it to run pipelines for it`);
  });
});

describe("POST /api/runs/<id>/rerun", () => {
  it("a run-scope token reruns (202 { id }); a read token may not; a bad body is a 400 naming the field", async () => {
    const admin = await createUser({ email: `rerun-${suffix}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
    const token = async (scope: "read" | "run") => (await createApiToken(admin.id, { name: scope, scope }, { id: admin.id, label: admin.email })).token;
    const originalId = await finishedRun();
    const post = async (scope: "read" | "run", body: unknown) =>
      rerunRoute(
        new Request(`http://localhost:3000/api/runs/${originalId}/rerun`, {
          method: "POST",
          headers: { host: "localhost:3000", authorization: `Bearer ${await token(scope)}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ id: originalId }) },
      );
    const accepted = await post("run", { runner: "openai", model: "gpt-test" });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    expect(await stored(id)).toMatchObject({ rerunOfId: originalId, rerunRunner: "openai", rerunModel: "gpt-test", trigger: "rerun" });

    expect((await post("read", { runner: "openai" })).status).toBe(403);
    const badRunner = await post("run", { runner: "nobody" });
    expect([badRunner.status, await badRunner.json()]).toEqual([400, { error: "runner: Unknown runner: use one of claude-code, codex, anthropic, openai" }]);
    expect((await post("run", { runner: "openai", pipeline: "other" })).status).toBe(400);
  });
});
