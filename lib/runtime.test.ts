// `npm run worker` runs the worker and the scheduler with the runtime's one life cycle: both beat, and on
// SIGTERM both stop (their liveness rows removed) and the process exits 0 after a clean stop.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { exited, spawnRealWorker } from "@/lib/testing/processes";
import { waitFor } from "@/lib/testing/wait-for";

const children: ReturnType<typeof spawnRealWorker>[] = [];
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited(child);
  }
});

describe("the runtime's life cycle (npm run worker)", () => {
  it("starts the worker and the scheduler, and on SIGTERM stops both and exits 0", async () => {
    const child = spawnRealWorker(path.join(workspaceDir(), "runtime.log"), { SWITCHBOARD_SHUTDOWN_GRACE_S: "1" });
    children.push(child);
    const beats = () => prisma.workerBeat.findMany({ where: { pid: child.pid }, select: { kind: true } });
    await waitFor(async () => (await beats()).length === 2, 120_000, "the worker and the scheduler to beat");
    expect((await beats()).map((b) => b.kind).sort()).toEqual(["scheduler", "worker"]);

    const code = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    child.kill("SIGTERM");
    expect(await code).toBe(0);
    expect(await beats()).toEqual([]);
  }, 180_000);
});
