// What /api/health reports: the database answers, and whether a worker has beaten recently.
import { prisma } from "@/lib/db";

const BEAT_FRESH_MS = 30_000;

export async function checkHealth(now = new Date()) {
  let db: "ok" | "error" = "ok";
  let worker: "running" | "stopped" = "stopped";
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    const beat = await prisma.workerBeat.findFirst({
      where: { kind: "worker", beatAt: { gte: new Date(now.getTime() - BEAT_FRESH_MS) } },
      select: { id: true },
    });
    if (beat) worker = "running";
  } catch {
    db = "error";
  }
  // heartbeats (the scheduler) arrive with their own issue; until then there is none to report
  return { ok: db === "ok", db, worker, scheduler: "not built" as const };
}
