// The audit log: who did what to which thing, and when.
import "server-only";
import { prisma } from "@/lib/db/client";

export type Actor = { id?: string | null; label: string };

export async function recordAudit(entry: { actor: Actor; action: string; targetType: string; targetId: string; clientId?: string | null; data?: Record<string, unknown> }): Promise<void> {
  await prisma.auditLog.create({
    data: {
      actorId: entry.actor.id ?? null,
      actorLabel: entry.actor.label,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      clientId: entry.clientId ?? null,
      dataJson: entry.data ? JSON.stringify(entry.data) : null,
    },
  });
}

export async function listAuditForClient(clientId: string, limit = 50) {
  return prisma.auditLog.findMany({
    where: { clientId },
    orderBy: { id: "desc" },
    take: limit,
    select: { id: true, at: true, actorLabel: true, action: true, targetType: true, targetId: true, dataJson: true },
  });
}
