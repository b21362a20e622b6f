// Liveness of the long-lived parts (the worker and the heartbeat scheduler, in any process on this
// database): each beats one WorkerBeat row, and /api/health calls a kind running while a row is fresh.
// One beat for both, so "running" means the same for each.
import "server-only";
import { prisma } from "@/lib/db/client";

export type BeatKind = "worker" | "scheduler";

/** A beat older than this: that part stopped (or is stuck). */
export const BEAT_FRESH_MS = 30_000;
/** Rows of parts that died without stopping (kill -9) are kept a day, for /api/health's history. */
const KEEP_DEAD_MS = 86_400_000;

export class Liveness {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    readonly kind: BeatKind,
    private readonly beatMs: number,
  ) {}

  /** Beats now, then every `beatMs` until `stop()`. */
  async start(): Promise<void> {
    await this.beat();
    this.timer ??= setInterval(() => void this.beat(), this.beatMs);
    this.timer.unref();
  }

  /** One beat; a failure is logged, never thrown (the next beat tries again). */
  async beat(): Promise<void> {
    try {
      await prisma.workerBeat.upsert({
        where: { id: this.id },
        create: { id: this.id, kind: this.kind, pid: process.pid },
        update: { beatAt: new Date(), pid: process.pid },
      });
      await prisma.workerBeat.deleteMany({ where: { kind: this.kind, beatAt: { lt: new Date(Date.now() - KEEP_DEAD_MS) } } });
    } catch (error) {
      console.error(`[${this.kind}] beat failed`, error);
    }
  }

  /** Stops beating and removes the row: a part that stopped cleanly is not running. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await prisma.workerBeat.deleteMany({ where: { id: this.id } }).catch(() => undefined);
  }
}

/** Whether some part of this kind beat within BEAT_FRESH_MS of `now`. */
export async function isBeating(kind: BeatKind, now = new Date()): Promise<boolean> {
  const row = await prisma.workerBeat.findFirst({ where: { kind, beatAt: { gte: new Date(now.getTime() - BEAT_FRESH_MS) } }, select: { id: true } });
  return row !== null;
}
