// What /api/health reports: the database answers, and whether a worker and a heartbeat scheduler have
// beaten recently (in any process on this database).
import "server-only";
import { prisma } from "@/lib/db/client";
import { isBeating } from "@/lib/db/liveness";

export async function checkHealth(now = new Date()) {
  let db: "ok" | "error" = "ok";
  let worker: "running" | "stopped" = "stopped";
  let scheduler: "running" | "stopped" = "stopped";
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    if (await isBeating("worker", now)) worker = "running";
    if (await isBeating("scheduler", now)) scheduler = "running";
  } catch {
    db = "error";
  }
  return { ok: db === "ok", db, worker, scheduler };
}
