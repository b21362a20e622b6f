// Two real scheduler processes (the app's and `npm run worker`'s) on one database race for the same
// ticks: each tick starts exactly one run. Their clocks are driven by hand and moved together, so both
// look at the same due time at the same moment.
import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { writePipeline } from "@/lib/testing/engine";
import { clearWorkspace, eventsOf, scheduledPipeline, uniqueSlug } from "@/lib/testing/heartbeats";
import { exited } from "@/lib/testing/processes";

type SchedulerProcess = { child: ChildProcess; next: (prefix: string) => Promise<string>; send: (line: string) => void };

const children: ChildProcess[] = [];

function startSchedulerProcess(id: string, clockStart: number): SchedulerProcess {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/testing/scheduler-process.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, SCHEDULER_ID: id, CLOCK_START: String(clockStart) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  const waiting: { prefix: string; resolve: (line: string) => void }[] = [];
  const seen: string[] = [];
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on("line", (line) => {
    const i = waiting.findIndex((w) => line.startsWith(w.prefix));
    if (i >= 0) waiting.splice(i, 1)[0].resolve(line);
    else seen.push(line);
  });
  const early = new Promise<string>((_, reject) => child.once("exit", (code) => reject(new Error(`scheduler ${id} exited (${code})`))));
  early.catch(() => undefined);
  return {
    child,
    next: (prefix) => {
      const i = seen.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]);
      return Promise.race([new Promise<string>((resolve) => waiting.push({ prefix, resolve })), early]);
    },
    send: (line) => child.stdin?.write(`${line}\n`),
  };
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.write("stop\n");
      await exited(child);
    }
  }
});

describe("two scheduler processes", { timeout: 120_000 }, () => {
  it("start each tick exactly once", async () => {
    clearWorkspace();
    const slug = uniqueSlug("race");
    writePipeline(slug, scheduledPipeline(`  cron: "0 * * * *"\n`));
    const start = Date.parse("2026-06-09T09:59:00Z");
    const schedulers = [startSchedulerProcess(uniqueSlug("a"), start), startSchedulerProcess(uniqueSlug("b"), start)];
    await Promise.all(schedulers.map((s) => s.next("ready")));
    const hours = ["2026-06-09T10:00:00.000Z", "2026-06-09T11:00:00.000Z", "2026-06-09T12:00:00.000Z"];
    for (const hour of hours) {
      const at = Date.parse(hour);
      for (const s of schedulers) s.send(`advance ${at}`);
      await Promise.all(schedulers.map((s) => s.next(`settled ${at}`)));
      // the run of the last tick still going would make the next one a skip: end it as a worker would
      await prisma.run.updateMany({ where: { heartbeatSlug: slug, status: "queued" }, data: { status: "succeeded", finishedAt: new Date(at) } });
    }
    const runs = await eventsOf(slug, ["run", "skipped", "missed"]);
    expect(runs.map((e) => `${e.kind} ${e.dueAt?.toISOString()}`)).toEqual(hours.map((h) => `run ${h}`));
    expect(await prisma.run.count({ where: { heartbeatSlug: slug } })).toBe(hours.length);
  });
});
