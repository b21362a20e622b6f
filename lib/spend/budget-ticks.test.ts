// A heartbeat's scheduled tick for a client at its budget: the run is refused and the tick recorded as
// skipped with the reason (not as a failure of the job); a pipeline without agent steps still runs.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { ACTOR, ensureClient, writePipeline } from "@/lib/testing/engine";
import { queueRun } from "@/lib/engine/queue-run";
import { ManualClock } from "@/lib/heartbeats/clock";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, runUntil, scheduledPipeline, startScheduler, uniqueSlug } from "@/lib/testing/heartbeats";
import { monthOf } from "@/lib/spend/money";

let running: HeartbeatScheduler[] = [];
beforeEach(() => clearWorkspace());
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});

const AGENT_STEP = "  - id: draft\n    agent:\n      runner: anthropic\n      prompt: hello\n      tools: [test/echo]\n";

describe("scheduled ticks and budgets", () => {
  it("records a tick for a client at its budget as skipped with the reason, and starts no run", async () => {
    const client = await ensureClient(uniqueSlug("ticks-budget"));
    await prisma.client.update({ where: { id: client.id }, data: { name: "Tick Co", monthlyBudgetUsd: 1 } });
    const spender = uniqueSlug("spender");
    writePipeline(spender, "name: Spender\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: x }\n");
    const spent = await queueRun({ pipelineSlug: spender, clientSlug: client.slug, createdBy: ACTOR });
    await prisma.run.update({ where: { id: spent }, data: { costUsd: 2.5, status: "succeeded" } });

    const agent = uniqueSlug("agent-tick");
    const tools = uniqueSlug("tools-tick");
    writePipeline(agent, scheduledPipeline(`  cron: "*/5 * * * *"\n  client: ${client.slug}\n`, AGENT_STEP));
    writePipeline(tools, scheduledPipeline(`  cron: "*/5 * * * *"\n  client: ${client.slug}\n`));
    const clock = new ManualClock(new Date("2026-06-05T10:01:00Z"));
    running.push(await startScheduler(clock));
    await runUntil(clock, running, Date.parse("2026-06-05T10:06:00Z"));

    const agentTicks = await eventsOf(agent, ["run", "skipped", "fail"]);
    expect(agentTicks.map((e) => [e.kind, e.dueAt?.toISOString()])).toEqual([["skipped", "2026-06-05T10:05:00.000Z"]]);
    expect(agentTicks[0].message).toBe(`Budget reached: Tick Co has spent $2.50 of its $1.00 budget for ${monthOf(new Date()).label}. An admin can raise the budget on the client's page.`);
    expect(await prisma.run.count({ where: { heartbeatSlug: agent } })).toBe(0);
    expect((await eventsOf(tools, ["run"])).map((e) => e.kind)).toEqual(["run"]);
  });
});
