// run_pipeline with an idempotency key: the first call with a key queues the run, every later call with
// the same key (from the same user) gets that run back. The key is claimed by a unique row before the run
// is queued, so two calls at once cannot both queue; the row gets the run's id once it exists.
import "server-only";
import { prisma } from "@/lib/db/client";
import { SafeError } from "@/lib/errors";
import { canonicalHash } from "@/lib/mcp/canonical-hash";

/** A claim whose run never arrived (the process died while queueing) is taken over after this long. */
const ABANDONED_MS = 60_000;

export type RunRequest = { pipeline: string; client: string | null; inputs: Record<string, unknown> };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/**
 * Runs `queue` once per (user, key): returns its run id and whether this call queued it. A key reused
 * with another pipeline, client or inputs is refused; a key whose first call is still queueing is a 409
 * to retry. When `queue` throws, the key is released so a corrected call may use it again.
 */
export async function queueOncePerKey(userId: string, key: string, req: RunRequest, queue: () => Promise<string>): Promise<{ runId: string; replayed: boolean }> {
  const hash = canonicalHash(req);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await prisma.mcpRunRequest.findUnique({ where: { userId_key: { userId, key } }, select: { id: true, requestHash: true, runId: true, createdAt: true } });
    if (existing) {
      if (existing.requestHash !== hash) throw new SafeError("This idempotency key was already used for another run request (another pipeline, client or inputs); use a new key", 409);
      if (existing.runId) return { runId: existing.runId, replayed: true };
      if (Date.now() - existing.createdAt.getTime() < ABANDONED_MS) throw new SafeError("A run request with this idempotency key is still being queued; call again in a moment", 409);
      await prisma.mcpRunRequest.deleteMany({ where: { id: existing.id, runId: null } });
      continue;
    }
    let claimId: string;
    try {
      claimId = (await prisma.mcpRunRequest.create({ data: { userId, key, requestHash: hash }, select: { id: true } })).id;
    } catch (error) {
      if (isUniqueViolation(error)) continue; // another call claimed it first: read what it did
      throw error;
    }
    let runId: string;
    try {
      runId = await queue();
    } catch (error) {
      await prisma.mcpRunRequest.deleteMany({ where: { id: claimId, runId: null } });
      throw error;
    }
    await prisma.mcpRunRequest.update({ where: { id: claimId }, data: { runId } });
    return { runId, replayed: false };
  }
  throw new SafeError("A run request with this idempotency key is still being queued; call again in a moment", 409);
}
