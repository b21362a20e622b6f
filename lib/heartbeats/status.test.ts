// Status from recorded signals on a hand-driven clock: up -> late -> up with the late mark at the exact
// grace end, failing with one alert per incident, and paused kept across a scheduler restart.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { writePipeline } from "@/lib/testing/engine";
import { ManualClock } from "@/lib/heartbeats/clock";
import { pauseHeartbeat, resumeHeartbeat } from "@/lib/heartbeats/control";
import { recordPing } from "@/lib/heartbeats/ping";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { clearWorkspace, eventsOf, runUntil, startScheduler, tokenOf, uniqueSlug, writeHeartbeatsYaml } from "@/lib/testing/heartbeats";

const ACTOR = { id: null, label: "tester" };
let running: HeartbeatScheduler[] = [];

async function statusOf(slug: string, clock: ManualClock) {
  const { items } = await listHeartbeatSummaries({ now: new Date(clock.now()) });
  const item = items.find((i) => i.slug === slug);
  if (!item) throw new Error(`${slug} not listed`);
  return item;
}

beforeEach(() => clearWorkspace());
afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
});

describe("heartbeat status", () => {
  it("goes new -> up -> late at the exact grace end -> up, with the late and the recovery recorded", async () => {
    const slug = uniqueSlug("backup");
    writeHeartbeatsYaml(`- slug: ${slug}\n  name: Nightly backup\n  every: 1h\n  grace: 10m\n`);
    const clock = new ManualClock(new Date("2026-06-01T12:00:00Z"));
    const scheduler = await startScheduler(clock);
    running.push(scheduler);
    expect((await statusOf(slug, clock)).status).toBe("new");

    expect(await recordPing(await tokenOf(slug), { kind: "success", exitCode: null }, null, new Date(clock.now()))).toBe(true);
    // its periodic look (every 2 s in production) re-plans the timer from the recorded ping
    scheduler.poke();
    await scheduler.settle();
    const up = await statusOf(slug, clock);
    expect(up.status).toBe("up");
    const lateAt = Date.parse("2026-06-01T13:10:00Z");
    expect(up.lateAt).toBe(new Date(lateAt).toISOString());
    // the scheduler's timer is set at the grace end itself, not at a coarse poll
    expect(scheduler.nextWakeAt).toBe(lateAt);

    await runUntil(clock, [scheduler], lateAt - 1);
    expect((await statusOf(slug, clock)).status).toBe("up");
    expect(await eventsOf(slug, ["late"])).toHaveLength(0);

    await runUntil(clock, [scheduler], lateAt);
    expect((await statusOf(slug, clock)).status).toBe("late");
    const late = await eventsOf(slug, ["late"]);
    expect(late).toHaveLength(1);
    expect(late[0].at.getTime() - lateAt).toBeLessThan(1000);
    expect(late[0].dueAt?.toISOString()).toBe("2026-06-01T13:00:00.000Z");

    clock.advance(60_000);
    await recordPing(await tokenOf(slug), { kind: "success", exitCode: null }, null, new Date(clock.now()));
    expect((await statusOf(slug, clock)).status).toBe("up");
    expect((await eventsOf(slug, ["alert", "recovered"])).map((e) => e.kind)).toEqual(["alert", "recovered"]);
  });

  it("turns failing on a failed ping and runs on_failure once per incident, with name, status and last error", async () => {
    const slug = uniqueSlug("uptime");
    const alert = uniqueSlug("alert");
    writePipeline(
      alert,
      'name: Alert\ninputs:\n  name: { type: string }\n  status: { type: string }\n  error: { type: text }\nsteps:\n  - id: say\n    tool: test/echo\n    args: { message: "{{ inputs.name }} {{ inputs.status }}" }\n',
    );
    writeHeartbeatsYaml(`- slug: ${slug}\n  name: Uptime check\n  cron: "*/5 * * * *"\n  grace: 2m\n  on_failure: ${alert}\n`);
    const clock = new ManualClock(new Date("2026-06-02T08:00:30Z"));
    running.push(await startScheduler(clock));
    const token = await tokenOf(slug);
    const fail = (message: string) => recordPing(token, { kind: "fail", exitCode: null }, { text: message, truncated: false }, new Date(clock.now()));

    await fail("site down: 502");
    expect((await statusOf(slug, clock)).status).toBe("failing");
    expect((await statusOf(slug, clock)).lastError).toBe("site down: 502");
    clock.advance(60_000);
    await fail("still down");
    await runUntil(clock, running, Date.parse("2026-06-02T08:20:00Z"));
    let alerts = await prisma.run.findMany({ where: { pipelineSlug: alert }, select: { inputsJson: true } });
    expect(alerts).toHaveLength(1);
    expect(JSON.parse(alerts[0].inputsJson)).toEqual({ name: "Uptime check", status: "failing", error: "site down: 502" });

    await recordPing(token, { kind: "success", exitCode: 0 }, null, new Date(clock.now()));
    expect((await statusOf(slug, clock)).status).toBe("up");
    expect((await eventsOf(slug, ["recovered"])).length).toBe(1);
    clock.advance(60_000);
    // a new incident within the hour after the alert: it flaps, and alerts no second time
    await recordPing(token, { kind: "fail", exitCode: 2 }, null, new Date(clock.now()));
    expect(await prisma.run.count({ where: { pipelineSlug: alert } })).toBe(1);
    expect(await statusOf(slug, clock)).toMatchObject({ status: "failing", flapping: true });
    // an hour after the alert, the next incident alerts again
    clock.advance(60 * 60_000);
    await recordPing(token, { kind: "success", exitCode: 0 }, null, new Date(clock.now()));
    clock.advance(60_000);
    await recordPing(token, { kind: "fail", exitCode: 3 }, null, new Date(clock.now()));
    alerts = await prisma.run.findMany({ where: { pipelineSlug: alert }, select: { inputsJson: true } });
    expect(alerts).toHaveLength(2);
    expect(JSON.parse(alerts[1].inputsJson).error).toBe("exit code 3");
  });

  it("stays paused across a restart, runs nothing and reports nothing missed while paused, and watches from the resume", async () => {
    const slug = uniqueSlug("nightly");
    writePipeline(slug, `name: Nightly\nsteps:\n  - id: hello\n    tool: test/echo\n    args: { message: hi }\nschedule:\n  cron: "0 * * * *"\n  grace: 5m\n`);
    const clock = new ManualClock(new Date("2026-06-03T09:30:00Z"));
    const first = await startScheduler(clock);
    await pauseHeartbeat(slug, ACTOR, new Date(clock.now()));
    await first.stop();
    clock.advanceTo(Date.parse("2026-06-03T13:30:00Z"));
    const second = await startScheduler(clock);
    running.push(second);
    await runUntil(clock, running, Date.parse("2026-06-03T15:30:00Z"));
    expect((await statusOf(slug, clock)).status).toBe("paused");
    expect(await eventsOf(slug, ["run", "missed", "skipped", "late"])).toHaveLength(0);
    expect(await prisma.run.count({ where: { heartbeatSlug: slug } })).toBe(0);

    await resumeHeartbeat(slug, ACTOR, new Date(clock.now()));
    await second.settle();
    const resumed = await statusOf(slug, clock);
    expect(resumed.status).toBe("new");
    expect(resumed.lateAt).toBe("2026-06-03T16:05:00.000Z");
    await runUntil(clock, running, Date.parse("2026-06-03T16:00:00Z"));
    expect((await eventsOf(slug, ["run"])).map((e) => e.dueAt?.toISOString())).toEqual(["2026-06-03T16:00:00.000Z"]);
    expect(await eventsOf(slug, ["missed"])).toHaveLength(0);
  });
});
