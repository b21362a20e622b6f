// What Settings and GET /api/notifications show: the channels (addresses masked, secrets never) and the
// delivery log, newest first, paged like every list ({ items, nextCursor }).
import "server-only";
import { prisma } from "@/lib/db/client";
import { decodeOptionalCursor, olderThan, toPage } from "@/lib/db/cursor";
import { SafeError } from "@/lib/errors";
import { loadNotificationChannels, maskAddress, type Channel } from "@/lib/notify/config";
import { listStoredChannels } from "@/lib/notify/stored-channels";
import { allChannels, sendTestNotification } from "@/lib/notify/sender";

export type ChannelSummary = { name: string; type: Channel["type"]; address: string; signed: boolean; events: string[]; clients: string[] | null; source: "workspace" | "settings" };

export async function listChannelSummaries(): Promise<{ channels: ChannelSummary[]; errors: string[] }> {
  const { channels, errors } = loadNotificationChannels();
  const stored = await listStoredChannels({ ownerId: null });
  const summary = (c: Channel, source: ChannelSummary["source"]): ChannelSummary => ({
    name: c.name,
    type: c.type,
    address: maskAddress(c),
    signed: Boolean(c.secret),
    events: c.events,
    clients: c.clients,
    source,
  });
  return { channels: [...channels.map((c) => summary(c, "workspace")), ...stored.map((c) => summary(c, "settings"))], errors };
}

export async function listDeliveries(query: { limit: number; cursor?: string | null }) {
  const cursor = decodeOptionalCursor(query.cursor);
  const rows = await prisma.notificationDelivery.findMany({
    where: olderThan(cursor),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: { id: true, createdAt: true, channel: true, type: true, recipient: true, event: true, status: true, error: true, attempt: true, outboxId: true },
  });
  return toPage(rows, query.limit);
}

/** Settings' "send a test": the channel by its name, sent now and logged. */
export async function sendTestToChannel(name: string, by: string) {
  const channel = (await allChannels()).find((c) => c.name === name);
  if (!channel) throw new SafeError(`No channel named "${name}": check notifications.yaml`, 404);
  return sendTestNotification(channel, by);
}
