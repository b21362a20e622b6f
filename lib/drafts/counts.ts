import "server-only";
import { prisma } from "@/lib/db/client";

/** Drafts waiting for review, all of them or one client's. */
export async function countPendingDrafts(clientSlug?: string): Promise<number> {
  return prisma.draft.count({ where: { status: "pending", ...(clientSlug ? { client: { slug: clientSlug } } : {}) } });
}
