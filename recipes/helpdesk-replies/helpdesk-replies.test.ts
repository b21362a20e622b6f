// The helpdesk reply recipe end to end, copied into the workspace unchanged: its hourly heartbeat on a
// hand-driven clock, the `when:` precondition through the real pool and the project's FreeScout server
// (against the FreeScout API stand-in), the real worker, the real claude-code binary on the model
// stand-in, drafts, approval, and the reply reaching FreeScout exactly once. A quiet hour is "nothing to do".
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { approveDraft, rejectDraft, saveDraftVersion } from "@/lib/drafts/drafts";
import { applyDraftDecision } from "@/lib/engine/approvals";
import { Worker } from "@/lib/engine/worker";
import { ManualClock } from "@/lib/heartbeats/clock";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { getMcpPool } from "@/lib/mcp/pool";
import { clientFolder } from "@/lib/workspace/paths";
import { CLAUDE_BIN, isolatedHome } from "@/lib/testing/agent-clis";
import { ensureClient, waitForRunStatus } from "@/lib/testing/engine";
import { clearWorkspace, eventsOf, runUntil, startScheduler } from "@/lib/testing/heartbeats";
import { ModelStandin } from "@/lib/testing/model-standin";
import { installRecipe } from "@/lib/testing/recipes";
import { FreeScoutStandin } from "@/lib/testing/remote-standins/freescout";
import { waitFor } from "@/lib/testing/wait-for";

const SLUG = "helpdesk-replies";
const ACTOR = { id: null, label: "Reviewer" };
let freescout: FreeScoutStandin;
let model: ModelStandin;
let worker: Worker;
let scheduler: HeartbeatScheduler | null = null;

beforeAll(async () => {
  freescout = await FreeScoutStandin.start();
  model = await ModelStandin.start();
  isolatedHome();
  Object.assign(process.env, {
    FREESCOUT_URL: freescout.url,
    FREESCOUT_API_KEY: freescout.apiKey,
    FREESCOUT_USER_ID: "1",
    ANTHROPIC_API_KEY: "sk-ant-test-canary-0000",
    ANTHROPIC_BASE_URL: model.url,
    SWITCHBOARD_CLAUDE_BIN: CLAUDE_BIN,
  });
  clearWorkspace();
  await ensureClient("acme");
  fs.writeFileSync(path.join(clientFolder("acme"), "CLAUDE.md"), "# Acme\nSign replies as 'The Acme team'. Invoices are emailed on the 1st.\n");
  expect(installRecipe("helpdesk-replies")).toEqual([SLUG]);
  worker = await new Worker({ pollMs: 20, leaseMs: 30_000 }).start();
});

afterAll(async () => {
  await scheduler?.stop();
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await model.close();
  await freescout.close();
});

async function waitingDraftOf(runId: string) {
  await waitForRunStatus(runId, ["waiting", "failed"], 180_000);
  const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, error: true } });
  expect(run).toEqual({ status: "waiting", error: null });
  return prisma.draft.findFirstOrThrow({ where: { runId }, select: { id: true, title: true, body: true, version: true } });
}

const ticks = async () => (await eventsOf(SLUG, ["run", "nothing", "skipped", "fail"])).map((e) => `${e.kind} ${e.dueAt?.toISOString().slice(11, 16)}`);

describe("helpdesk reply drafts recipe", { timeout: 600_000 }, () => {
  it("drafts one reply per new conversation on the hourly tick, posts each approved reply once, and records quiet hours as nothing to do", async () => {
    const clock = new ManualClock(new Date("2026-06-10T09:30:00Z"));
    scheduler = await startScheduler(clock);

    // a quiet hour: the precondition finds nothing, no run starts, no tokens are spent
    await runUntil(clock, [scheduler], Date.parse("2026-06-10T10:00:30Z"));
    expect(await ticks()).toEqual(["nothing 10:00"]);
    expect((await eventsOf(SLUG, ["nothing"]))[0].message).toMatch(/nothing to do: freescout\/list_conversations/);
    expect(await prisma.run.count({ where: { heartbeatSlug: SLUG } })).toBe(0);
    expect(model.requests).toHaveLength(0);

    const first = freescout.addConversation({ subject: "Where is my invoice?", email: "ann@client.example", text: "I did not get the May invoice." });
    const second = freescout.addConversation({ subject: "Password reset", email: "bob@client.example", text: "The reset link expired." });

    // 11:00: the oldest waiting conversation gets a note, a thread read, a draft
    await runUntil(clock, [scheduler], Date.parse("2026-06-10T11:00:30Z"));
    const [run1] = await prisma.run.findMany({ where: { heartbeatSlug: SLUG }, select: { id: true, trigger: true } });
    expect(run1.trigger).toBe("schedule");
    const draft1 = await waitingDraftOf(run1.id);
    expect(draft1.title).toBe("Reply to ann@client.example: Where is my invoice?");
    expect(draft1.body.length).toBeGreaterThan(0);
    expect(freescout.posted.map((p) => `${p.conversationId} ${p.type}`)).toEqual([`${first} note`]);
    // the agent saw the client's memory and the customer's words
    const prompt = JSON.stringify(model.requestsTo("/v1/messages").at(-1)?.body ?? {});
    expect(prompt).toContain("Invoices are emailed on the 1st.");
    expect(prompt).toContain("I did not get the May invoice.");

    // 12:00: the first run waits for a human, which does not stop the next conversation's run
    await runUntil(clock, [scheduler], Date.parse("2026-06-10T12:00:30Z"));
    const runs = await prisma.run.findMany({ where: { heartbeatSlug: SLUG }, orderBy: { createdAt: "asc" }, select: { id: true } });
    expect(runs).toHaveLength(2);
    const draft2 = await waitingDraftOf(runs[1].id);
    expect(draft2.title).toBe("Reply to bob@client.example: Password reset");
    expect(freescout.posted.map((p) => `${p.conversationId} ${p.type}`)).toEqual([`${first} note`, `${second} note`]);

    // 13:00: both are marked, nothing is waiting for a draft
    await runUntil(clock, [scheduler], Date.parse("2026-06-10T13:00:30Z"));
    expect(await ticks()).toEqual(["nothing 10:00", "run 11:00", "run 12:00", "nothing 13:00"]);
    expect(await prisma.run.count({ where: { heartbeatSlug: SLUG } })).toBe(2);

    // the reviewer edits the first draft and approves it, twice over: one reply reaches FreeScout
    await saveDraftVersion(draft1.id, { body: "Hello Ann,\n\nYour May invoice is on its way.\n\nThe Acme team", baseVersion: draft1.version }, ACTOR);
    const decisions = await Promise.allSettled([1, 2, 3].map(() => approveDraft(draft1.id, { version: draft1.version + 1 }, ACTOR, applyDraftDecision)));
    expect(decisions.filter((d) => d.status === "fulfilled")).toHaveLength(1);
    await waitForRunStatus(run1.id, ["succeeded"], 120_000);
    const replies = () => freescout.posted.filter((p) => p.type === "message");
    expect(replies()).toEqual([{ conversationId: first, type: "message", text: "<p>Hello Ann,</p><p>Your May invoice is on its way.</p><p>The Acme team</p>", user: 1 }]);

    // the second is rejected: nothing is sent, the conversation keeps its note for a human
    await rejectDraft(draft2.id, { note: "I will answer Bob myself" }, ACTOR, applyDraftDecision);
    await waitForRunStatus(runs[1].id, ["rejected"]);
    expect(replies()).toHaveLength(1);
    expect(freescout.threadsOf(first).map((t) => t.type)).toEqual(["customer", "note", "message"]);
    expect(freescout.threadsOf(second).map((t) => t.type)).toEqual(["customer", "note"]);

    // both results are recorded on the heartbeat (a rejected draft is not the job failing)
    clock.advance(60_000);
    scheduler.poke();
    await waitFor(
      async () => {
        await scheduler?.settle();
        return (await eventsOf(SLUG, ["success"])).length === 2;
      },
      60_000,
      "both runs' results on the heartbeat",
    );
    const summary = (await listHeartbeatSummaries({ now: new Date(clock.now()) })).items.find((h) => h.slug === SLUG);
    expect(summary?.status).toBe("up");
  });
});
