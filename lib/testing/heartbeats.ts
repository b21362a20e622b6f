// Shared by the heartbeat tests: workspace files, a scheduler on a hand-driven clock, and row lookups.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import type { ManualClock } from "@/lib/heartbeats/clock";
import { unsealPingToken } from "@/lib/heartbeats/ping-token";
import { HeartbeatScheduler, type SchedulerOptions } from "@/lib/heartbeats/scheduler";

export const uniqueSlug = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex")}`;

/** Starts each test from a workspace with no pipelines and no heartbeats.yaml. */
export function clearWorkspace(): void {
  fs.rmSync(path.join(workspaceDir(), "pipelines"), { recursive: true, force: true });
  fs.rmSync(path.join(workspaceDir(), "heartbeats.yaml"), { force: true });
}

export function writeHeartbeatsYaml(text: string): void {
  fs.mkdirSync(workspaceDir(), { recursive: true });
  const file = path.join(workspaceDir(), "heartbeats.yaml");
  fs.writeFileSync(file, text);
  // a rewrite within the same millisecond and size must still be read again
  const t = new Date(Date.now() + Math.floor(Math.random() * 1e6));
  fs.utimesSync(file, t, t);
}

export function scheduledPipeline(schedule: string, steps = "  - id: hello\n    tool: test/echo\n    args: { message: hi }\n"): string {
  return `name: Scheduled\ninputs:\n  name: { type: string }\n  status: { type: string }\n  error: { type: string }\nsteps:\n${steps}schedule:\n${schedule}`;
}

export async function startScheduler(clock: ManualClock, options: SchedulerOptions = {}): Promise<HeartbeatScheduler> {
  const scheduler = await new HeartbeatScheduler({ clock, reconcileMs: 86_400_000, beatMs: 3_600_000, ...options }).start();
  await scheduler.settle();
  return scheduler;
}

/** Moves the clock to `until`, stopping at every time the scheduler asked to wake at, as real time would. */
export async function runUntil(clock: ManualClock, schedulers: HeartbeatScheduler[], until: Date | number): Promise<void> {
  const end = typeof until === "number" ? until : until.getTime();
  for (;;) {
    const next = Math.min(...schedulers.map((s) => s.nextWakeAt ?? Infinity));
    if (next > end) break;
    clock.advanceTo(Math.max(next, clock.now()));
    await Promise.all(schedulers.map((s) => s.settle()));
    if (next === clock.now() && schedulers.every((s) => (s.nextWakeAt ?? Infinity) <= clock.now())) clock.advance(1);
  }
  clock.advanceTo(end);
  for (const s of schedulers) s.poke();
  await Promise.all(schedulers.map((s) => s.settle()));
}

export async function stateOf(slug: string) {
  const state = await prisma.heartbeatState.findUnique({ where: { slug } });
  if (!state) throw new Error(`no state for ${slug}`);
  return state;
}

export async function tokenOf(slug: string): Promise<string> {
  const token = unsealPingToken((await stateOf(slug)).pingTokenSealed);
  if (!token) throw new Error(`no token for ${slug}`);
  return token;
}

export async function eventsOf(slug: string, kinds?: string[]) {
  const state = await stateOf(slug);
  return prisma.heartbeatEvent.findMany({ where: { heartbeatId: state.id, ...(kinds ? { kind: { in: kinds } } : {}) }, orderBy: { id: "asc" } });
}
