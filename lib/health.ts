// What /api/health reports: the database answers, and whether a worker and a heartbeat scheduler have
// beaten recently (in any process on this database).
import { prisma } from "@/lib/db";

const BEAT_FRESH_MS = 30_000;

export async function checkHealth(now = new Date()) {
  let db: "ok" | "error" = "ok";
  let worker: "running" | "stopped" = "stopped";
  let scheduler: "running" | "stopped" = "stopped";
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    const beat = await prisma.workerBeat.findFirst({
      where: { kind: "worker", beatAt: { gte: new Date(now.getTime() - BEAT_FRESH_MS) } },
      select: { id: true },
    });
    if (beat) worker = "running";
    const schedulerBeat = await prisma.workerBeat.findFirst({
      where: { kind: "scheduler", beatAt: { gte: new Date(now.getTime() - BEAT_FRESH_MS) } },
      select: { id: true },
    });
    if (schedulerBeat) scheduler = "running";
  } catch {
    db = "error";
  }
  return { ok: db === "ok", db, worker, scheduler };
}
