// Rerun: a finished run queued again with the same pipeline, inputs and client, only its agent steps'
// runner and model switched; and every way it is refused. Real SQLite, real engine functions; no worker
// runs here (a cancelled run is a finished one), so each new run is inspected as it was queued.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as rerunRoute } from "@/app/api/runs/[id]/rerun/route";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { resetEnvForTests, workspaceDir } from "@/lib/env";
import { SafeError } from "@/lib/errors";
import { queueRun } from "@/lib/engine/queue-run";
import { alternativeRunners, rerunChoices, rerunRun } from "@/lib/engine/rerun";
import { getPipeline } from "@/lib/pipelines/load-pipelines";
import { AGENT_RUNNERS } from "@/lib/pipelines/pipeline.schema";
import { cancelRun } from "@/lib/engine/run-control";
import { getRunDetail } from "@/lib/engine/run-detail";
import { ACTOR, ensureClient, writePipeline } from "@/lib/testing/engine";

function getPipelineOrThrow(slug: string) {
  const definition = getPipeline(slug)?.definition;
  if (!definition) throw new Error(`no pipeline ${slug}`);
  return definition;
}

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
      alternatives: [anthropic]
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
    select: {
      pipelineSlug: true,
      pipelineJson: true,
      inputsJson: true,
      clientId: true,
      status: true,
      trigger: true,
      rerunOfId: true,
      rerunRunner: true,
      rerunModel: true,
      steps: { select: { stepId: true, kind: true, status: true } },
    },
  });

type Snapshot = { steps: { id: string; agent?: Record<string, unknown> }[] } & Record<string, unknown>;
const agentsOf = (json: string) => (JSON.parse(json) as Snapshot).steps.filter((s) => s.agent).map((s) => s.agent);

async function refusal(promise: Promise<unknown>): Promise<SafeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafeError);
  return error as SafeError;
}

describe("rerun", () => {
  it("keeps the pipeline, inputs and client, and switches only every agent step's runner (dropping a model that belonged to the old runner)", async () => {
    const originalId = await finishedRun();
    const { id } = await rerunRun(originalId, { runner: "openai" }, ACTOR, "admin");
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
      step.agent.builtin = [];
      delete step.agent.model;
    }
    expect(JSON.parse(rerun.pipelineJson)).toEqual(expected);
    expect(agentsOf(rerun.pipelineJson)).toEqual([
      { runner: "openai", prompt: "Write {{ inputs.words }} words on {{ inputs.topic }}", tools: ["everything/echo"], max_turns: 4, builtin: [], mounts: [], alternatives: ["anthropic"] },
      { runner: "openai", prompt: "Polish {{ steps.draft.text }}", tools: [], builtin: [], mounts: [] },
    ]);
    const audit = await prisma.auditLog.findFirst({ where: { action: "run.rerun", targetId: id }, select: { dataJson: true } });
    expect(JSON.parse(audit?.dataJson ?? "{}")).toEqual({ rerunOf: originalId, runner: "openai", model: null });
  });

  it("a model alone keeps each step's runner; runner and model together set both; nothing switches nothing", async () => {
    const originalId = await finishedRun();
    const modelOnly = await stored((await rerunRun(originalId, { model: "claude-opus-test" }, ACTOR, "admin")).id);
    expect(agentsOf(modelOnly.pipelineJson).map((a) => [a?.runner, a?.model])).toEqual([
      ["claude-code", "claude-opus-test"],
      ["anthropic", "claude-opus-test"],
    ]);
    expect([modelOnly.rerunRunner, modelOnly.rerunModel]).toEqual([null, "claude-opus-test"]);

    const both = await stored((await rerunRun(originalId, { runner: "codex", model: " gpt-test " }, ACTOR, "admin")).id);
    expect(agentsOf(both.pipelineJson).map((a) => [a?.runner, a?.model])).toEqual([
      ["codex", "gpt-test"],
      ["codex", "gpt-test"],
    ]);

    // the same runner as a step already has keeps that step's model
    const same = await stored((await rerunRun(originalId, { runner: "claude-code", model: "" }, ACTOR, "admin")).id);
    expect(agentsOf(same.pipelineJson).map((a) => [a?.runner, a?.model])).toEqual([
      ["claude-code", "claude-sonnet-test"],
      ["claude-code", undefined],
    ]);

    const plain = await stored((await rerunRun(originalId, {}, ACTOR, "admin")).id);
    expect(plain.pipelineJson).toBe((await stored(originalId)).pipelineJson);
    expect(plain.rerunOfId).toBe(originalId);
  });

  it("the run page's detail links the rerun to its original and the original to its reruns", async () => {
    const originalId = await finishedRun();
    const { id } = await rerunRun(originalId, { runner: "anthropic", model: "claude-test" }, ACTOR, "admin");
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
    const notFinished = await refusal(rerunRun(queuedId, { runner: "codex" }, ACTOR, "admin"));
    expect([notFinished.status, notFinished.message]).toEqual([409, "Only a finished run can be run again; this run is queued"]);
    expect((await refusal(rerunRun(`missing${suffix}`, {}, ACTOR, "admin"))).status).toBe(404);
    const unknownRunner = await refusal(rerunRun(finishedId, { runner: "gpt-9000" }, ACTOR, "admin"));
    expect([unknownRunner.status, unknownRunner.message]).toEqual([400, "Unknown runner: use one of claude-code, codex, anthropic, openai"]);
    expect((await refusal(rerunRun(finishedId, { model: "x; rm -rf /" }, ACTOR, "admin"))).message).toMatch(/^model may hold only/);
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

    const goneError = await refusal(rerunRun(goneRun, {}, ACTOR, "admin"));
    expect([goneError.status, goneError.message]).toEqual([409, `The pipeline "${gone}" no longer exists in the workspace, so this run cannot be run again`]);
    const brokenError = await refusal(rerunRun(brokenRun, { runner: "codex" }, ACTOR, "admin"));
    expect(brokenError.status).toBe(422);
    expect(brokenError.message).toMatch(new RegExp(`^The pipeline "${broken}" has errors: .*runner.*expected one of claude-code, codex, anthropic, openai`));
    const toolsOnly = await refusal(rerunRun(await finishedRun(toolPipeline, {}), { runner: "codex" }, ACTOR, "admin"));
    expect([toolsOnly.status, toolsOnly.message]).toEqual([422, '"Tools only" has no agent steps: there is no runner or model to switch']);
    expect(await prisma.run.count()).toBe(before + 1); // the tools-only run itself, never a rerun
  });

  it("goes through the queue's own checks: inputs the pipeline no longer accepts, an archived client, the queued-runs cap", async () => {
    const changing = `rerun-changing-${suffix}`;
    writePipeline(changing, "name: Changing\ninputs:\n  topic: { type: string }\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    const runId = await finishedRun(changing, { topic: "kept" });
    writePipeline(changing, "name: Changing\ninputs:\n  subject: { type: string, required: true }\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    expect((await refusal(rerunRun(runId, {}, ACTOR, "admin"))).message).toMatch(/^Check the inputs: /);

    const capped = `rerun-capped-${suffix}`;
    writePipeline(capped, "name: Capped\nsteps:\n  - id: a\n    agent: { runner: openai, prompt: hi }\n");
    const cappedRun = await finishedRun(capped, {});
    process.env.SWITCHBOARD_MAX_QUEUED_PER_PIPELINE = "1";
    resetEnvForTests();
    try {
      await rerunRun(cappedRun, { runner: "anthropic" }, ACTOR, "admin");
      const overCap = await refusal(rerunRun(cappedRun, { runner: "anthropic" }, ACTOR, "admin"));
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
    expect((await refusal(rerunRun(archivedRun, {}, ACTOR, "admin"))).message).toBe(`The client "${archived}" is archived; unarchive it to run pipelines for it`);
  });
});

describe("who may switch", () => {
  it("an operator may rerun as it was or on a runner every agent step lists in alternatives; another runner or any model is 403 and queues nothing", async () => {
    const originalId = await finishedRun();
    expect(alternativeRunners(getPipelineOrThrow(agentPipeline))).toEqual(["anthropic"]);
    const same = await stored((await rerunRun(originalId, {}, ACTOR, "operator")).id);
    expect(same.pipelineJson).toBe((await stored(originalId)).pipelineJson);
    const listed = await stored((await rerunRun(originalId, { runner: "anthropic" }, ACTOR, "operator")).id);
    expect(agentsOf(listed.pipelineJson).map((a) => a?.runner)).toEqual(["anthropic", "anthropic"]);

    const before = await prisma.run.count();
    const codex = await refusal(rerunRun(originalId, { runner: "codex" }, ACTOR, "operator"));
    expect([codex.status, codex.message]).toEqual([403, 'Only an admin can run this again on codex: steps "draft", "polish" do not list it in alternatives']);
    const model = await refusal(rerunRun(originalId, { model: "claude-opus-test" }, ACTOR, "operator"));
    expect([model.status, model.message]).toEqual([403, "Only an admin can run a pipeline again on another model"]);
    expect((await refusal(rerunRun(originalId, { runner: "anthropic", model: "cheap" }, ACTOR, "operator"))).status).toBe(403);
    expect(await prisma.run.count()).toBe(before);

    // the run page offers only what the viewer may pick
    expect(rerunChoices(agentPipeline, "operator", AGENT_RUNNERS)).toEqual({ runners: ["anthropic"], model: false });
    expect(rerunChoices(agentPipeline, "admin", AGENT_RUNNERS)).toEqual({ runners: [...AGENT_RUNNERS], model: true });
  });
});

describe("POST /api/runs/<id>/rerun", () => {
  it("an operator's run-scope token reruns on a listed runner (202 { id }) but not on another runner or model (403); an admin's admin token may; a read token may not; a bad body is a 400 naming the field", async () => {
    const operator = await createUser({ email: `rerun-${suffix}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
    const admin = await createUser({ email: `rerun-admin-${suffix}@example.com`, password: "long-enough-password", role: "admin" }, { label: "test" });
    const token = async (user: { id: string; email: string }, scope: "read" | "run" | "admin") => (await createApiToken(user.id, { name: scope, scope }, { id: user.id, label: user.email })).token;
    const originalId = await finishedRun();
    const post = async (bearer: string, body: unknown) =>
      rerunRoute(
        new Request(`http://localhost:3000/api/runs/${originalId}/rerun`, {
          method: "POST",
          headers: { host: "localhost:3000", authorization: `Bearer ${bearer}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ id: originalId }) },
      );
    const run = await token(operator, "run");
    const before = await prisma.run.count();
    const switched = await post(run, { runner: "codex" });
    expect([switched.status, await switched.json()]).toEqual([403, { error: 'Only an admin can run this again on codex: steps "draft", "polish" do not list it in alternatives' }]);
    expect((await post(run, { runner: "anthropic", model: "gpt-test" })).status).toBe(403);
    // an admin's run-scope token acts with run rights only
    expect((await post(await token(admin, "run"), { runner: "codex" })).status).toBe(403);
    expect(await prisma.run.count()).toBe(before);

    const listed = await post(run, { runner: "anthropic" });
    expect(listed.status).toBe(202);
    const accepted = await post(await token(admin, "admin"), { runner: "openai", model: "gpt-test" });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    expect(await stored(id)).toMatchObject({ rerunOfId: originalId, rerunRunner: "openai", rerunModel: "gpt-test", trigger: "rerun" });

    expect((await post(await token(operator, "read"), { runner: "openai" })).status).toBe(403);
    const badRunner = await post(run, { runner: "nobody" });
    expect([badRunner.status, await badRunner.json()]).toEqual([400, { error: "runner: Unknown runner: use one of claude-code, codex, anthropic, openai" }]);
    expect((await post(run, { runner: "openai", pipeline: "other" })).status).toBe(400);
  });
});
