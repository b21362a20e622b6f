// The outbox row of each event is written in the same transaction as the event: it exists exactly when
// the event committed (a rolled-back event leaves none), once per draft, incident or budget threshold,
// and a step that succeeds writes none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma, writeTransaction } from "@/lib/db/client";
import { insertOutboxRow } from "@/lib/db/outbox";
import { openDraft } from "@/lib/drafts/open-draft";
import { queueRun } from "@/lib/engine/queue-run";
import { claimNextRun, endRunNow, parkRun } from "@/lib/engine/run-transitions";
import { Worker } from "@/lib/engine/worker";
import { loadHeartbeats } from "@/lib/heartbeats/definitions";
import { recordPing } from "@/lib/heartbeats/ping";
import { recordToolPins } from "@/lib/mcp/pins";
import { ensureHeartbeatStates, evaluateIncident } from "@/lib/heartbeats/store";
import { writeStepCost } from "@/lib/spend/step-cost";
import { ACTOR, ensureClient, ScriptedRunner, waitForRunStatus, writePipeline } from "@/lib/testing/engine";
import { tokenOf, uniqueSlug, writeHeartbeatsYaml } from "@/lib/testing/heartbeats";

const runner = new ScriptedRunner();
let worker: Worker;
const outboxOf = (event: string) => prisma.notificationOutbox.findMany({ where: { event }, orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  await ensureClient("acme");
  writePipeline("review", `name: Review\nsteps:\n  - id: review\n    approval: { title: "Report for {{ client.name }}", body: "body" }\n  - id: publish\n    tool: test/echo\n    args: { message: done }\n`);
  writePipeline("breaks", "name: Breaks\nsteps:\n  - id: one\n    tool: test/fail\n    args: { message: the tool said no }\n");
  writePipeline("fine", "name: Fine\nsteps:\n  - id: one\n    tool: test/echo\n    args: { message: hi }\n  - id: two\n    tool: test/echo\n    args: { message: hi }\n");
  writePipeline("held", "name: Held\nsteps:\n  - id: one\n    tool: test/block\n");
  worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
});

afterAll(() => worker.stop({ graceMs: 1_000 }));

describe("the outbox row is written with its event", () => {
  it("a draft opening writes draft.waiting for its client, with the draft's path; a rolled-back opening writes nothing", async () => {
    const runId = await queueRun({ pipelineSlug: "review", clientSlug: "acme", createdBy: ACTOR });
    await waitForRunStatus(runId, ["waiting"]);
    const draft = await prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true, title: true } });
    const [row] = (await outboxOf("draft.waiting")).filter((r) => r.dedupeKey === `draft.waiting:${draft.id}`);
    expect(row).toMatchObject({ client: "acme", state: "pending", attempts: 0 });
    expect(JSON.parse(row.payloadJson)).toEqual({ title: "A draft waits: Report for ACME", text: 'review (step review) waits for approval of "Report for ACME".', path: `/drafts/${draft.id}` });

    // the same opening in a transaction that rolls back: no draft, and no outbox row
    const publish = await prisma.runStep.findFirstOrThrow({ where: { runId, stepId: "publish" }, select: { id: true } });
    const before = await prisma.notificationOutbox.count();
    await expect(
      prisma.$transaction(async (tx) => {
        await openDraft(tx, { runId, runStepId: publish.id, stepId: "publish", clientId: null, pipelineSlug: "review", title: "t", body: "b" });
        expect(await tx.notificationOutbox.count()).toBe(before + 1);
        throw new Error("the event's transaction rolls back");
      }),
    ).rejects.toThrow("rolls back");
    expect(await prisma.notificationOutbox.count()).toBe(before);
    expect(await prisma.draft.count({ where: { runStepId: publish.id } })).toBe(0);
  });

  it("a failed run writes run.failed; a run whose steps succeed writes nothing", async () => {
    const before = await prisma.notificationOutbox.count();
    const fine = await queueRun({ pipelineSlug: "fine", createdBy: ACTOR });
    await waitForRunStatus(fine, ["succeeded"]);
    expect(await prisma.notificationOutbox.count()).toBe(before);
    const breaks = await queueRun({ pipelineSlug: "breaks", clientSlug: "acme", createdBy: ACTOR });
    await waitForRunStatus(breaks, ["failed"]);
    const rows = (await outboxOf("run.failed")).filter((r) => r.dedupeKey.startsWith(`run.failed:${breaks}:`));
    expect(rows).toHaveLength(1);
    expect(rows[0].client).toBe("acme");
    expect(JSON.parse(rows[0].payloadJson)).toMatchObject({ title: "Run of Breaks failed", path: `/runs/${breaks}` });
    expect(JSON.parse(rows[0].payloadJson).text).toContain("the tool said no");
  });

  it("an ad-hoc call that fails (a person trying a tool on /tools) tells nobody", async () => {
    const ended = async (trigger: string) => {
      const run = await prisma.run.create({ data: { pipelineSlug: "", pipelineName: "srv/tool", pipelineJson: "{}", trigger, status: "running", leaseOwner: "h", createdByLabel: "Test" }, select: { id: true } });
      expect(await endRunNow(run.id, "h", { status: "failed", message: "failed", error: "the tool said no" })).toBe(true);
      return prisma.notificationOutbox.count({ where: { dedupeKey: { startsWith: `run.failed:${run.id}:` } } });
    };
    expect(await ended("adhoc")).toBe(0);
    expect(await ended("manual")).toBe(1);
  });

  it("a step parked as outcome unknown writes run.outcome-unknown only when its transaction commits", async () => {
    await worker.stop({ graceMs: 1_000 });
    try {
      const id = await queueRun({ pipelineSlug: "held", createdBy: ACTOR });
      expect(await claimNextRun("parker", 60_000)).toBe(id);
      const step = await prisma.runStep.findFirstOrThrow({ where: { runId: id }, select: { id: true } });
      await expect(
        writeTransaction((db) => {
          expect(parkRun(db, id, "parker", "one: the connection dropped", "one waits for a human", step.id)).toBe(true);
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      expect(await prisma.notificationOutbox.count({ where: { dedupeKey: `run.outcome-unknown:${step.id}` } })).toBe(0);
      expect(await writeTransaction((db) => parkRun(db, id, "parker", "one: the connection dropped", "one waits for a human", step.id))).toBe(true);
      const [row] = await prisma.notificationOutbox.findMany({ where: { dedupeKey: `run.outcome-unknown:${step.id}` } });
      expect(JSON.parse(row.payloadJson)).toEqual({ title: "Run of Held needs a decision", text: "one: the connection dropped", path: `/runs/${id}` });
    } finally {
      worker = await new Worker({ runner, pollMs: 20, leaseMs: 60_000 }).start();
    }
  });

  it("a heartbeat that turns failing, late, then recovers writes one row per incident and recovery", async () => {
    const slug = uniqueSlug("backup");
    writeHeartbeatsYaml(`- slug: ${slug}\n  name: Nightly backup\n  every: 1h\n  grace: 10m\n  client: acme\n`);
    await ensureHeartbeatStates(loadHeartbeats().heartbeats);
    const token = await tokenOf(slug);
    const t0 = new Date();
    await recordPing(token, { kind: "fail", exitCode: 3 }, null, t0);
    await recordPing(token, { kind: "fail", exitCode: 3 }, null, new Date(t0.getTime() + 1_000)); // the same incident: no second row
    await recordPing(token, { kind: "success", exitCode: 0 }, null, new Date(t0.getTime() + 2_000));
    const def = loadHeartbeats().heartbeats.find((h) => h.slug === slug);
    const state = await prisma.heartbeatState.findUniqueOrThrow({ where: { slug }, select: { id: true } });
    if (!def) throw new Error("no definition");
    await evaluateIncident(def, state.id, new Date(t0.getTime() + 3 * 3_600_000), async () => "no-run");
    const rows = await prisma.notificationOutbox.findMany({ where: { dedupeKey: { contains: state.id } }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.event, r.client, JSON.parse(r.payloadJson).title])).toEqual([
      ["heartbeat.failing", "acme", "Nightly backup is failing"],
      ["heartbeat.recovered", "acme", "Nightly backup is up again"],
      ["heartbeat.late", "acme", "Nightly backup is late"],
    ]);
    expect(JSON.parse(rows[0].payloadJson).path).toBe(`/heartbeats/${slug}`);
  });

  it("a client's spend crossing 80% then 100% of its budget writes budget.warning then budget.reached, once each per month", async () => {
    const client = await ensureClient(uniqueSlug("budgeted"));
    await prisma.client.update({ where: { id: client.id }, data: { monthlyBudgetUsd: 1 } });
    await prisma.modelPrice.upsert({ where: { model: "notify-model" }, create: { model: "notify-model", inputUsdPerMTok: 1, outputUsdPerMTok: 0, cacheReadUsdPerMTok: 0, cacheWriteUsdPerMTok: 0 }, update: {} });
    const run = await prisma.run.create({ data: { pipelineSlug: "fine", pipelineName: "Fine", pipelineJson: "{}", clientId: client.id, status: "running", createdByLabel: "Test" }, select: { id: true } });
    const spend = async (inputTokens: number) => {
      const step = await prisma.runStep.create({ data: { runId: run.id, stepId: `s${inputTokens}-${Math.random()}`, position: 0, kind: "agent", status: "succeeded" }, select: { id: true } });
      await writeTransaction((db) =>
        writeStepCost(db, { runId: run.id, runStepId: step.id, usage: { inputTokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, model: "notify-model", subscription: false }),
      );
    };
    const events = async () => (await prisma.notificationOutbox.findMany({ where: { client: client.slug }, orderBy: { createdAt: "asc" }, select: { event: true } })).map((r) => r.event);
    await spend(500_000); // $0.50
    expect(await events()).toEqual([]);
    await spend(350_000); // $0.85
    expect(await events()).toEqual(["budget.warning"]);
    await spend(50_000); // $0.90: still the same threshold
    expect(await events()).toEqual(["budget.warning"]);
    await spend(200_000); // $1.10
    await spend(200_000);
    expect(await events()).toEqual(["budget.warning", "budget.reached"]);
  });

  it("a tool whose definition changes from the accepted one writes tool.changed once per new definition", async () => {
    const server = `srv-${Date.now()}`;
    const tool = (description: string) => [{ name: "publish", description, inputSchema: { type: "object" as const } }];
    const changed = () => prisma.notificationOutbox.findMany({ where: { event: "tool.changed", dedupeKey: { startsWith: `tool.changed:acme:${server}:` } } });
    await recordToolPins("acme", server, tool("Publishes a post"));
    expect(await changed()).toEqual([]);
    await recordToolPins("acme", server, tool("Publishes a post, and also emails everyone"));
    await recordToolPins("acme", server, tool("Publishes a post, and also emails everyone"));
    const rows = await changed();
    expect(rows.map((r) => [r.client, JSON.parse(r.payloadJson).title, JSON.parse(r.payloadJson).path])).toEqual([["acme", `${server}/publish changed since it was accepted`, "/tools"]]);
    await recordToolPins("acme", server, tool("Publishes a post")); // back to the accepted definition: nothing to tell
    expect(await changed()).toHaveLength(1);
  });

  it("one row per dedupe key, whoever writes it", async () => {
    const entry = { event: "run.failed", dedupeKey: `run.failed:same-incident:${Date.now()}`, title: "t", text: "x", path: "/runs/x", at: new Date() } as const;
    expect(await writeTransaction((db) => insertOutboxRow(db, entry))).toBe(true);
    expect(await writeTransaction((db) => insertOutboxRow(db, entry))).toBe(false);
    expect(await prisma.notificationOutbox.count({ where: { dedupeKey: entry.dedupeKey } })).toBe(1);
  });
});
