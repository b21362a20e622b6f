import { prisma } from "@/lib/db";

export async function countPendingDrafts(): Promise<number> {
  return prisma.draft.count({ where: { status: "pending" } });
}
