// Channels kept in the database (made in Settings, by a person for themselves or by an admin for the
// team): the address and secret are sealed at rest, like ping tokens, and opened only to send.
import "server-only";
import { seal, unseal } from "@/lib/auth/seal";
import { prisma } from "@/lib/db/client";
import type { NotificationEvent } from "@/lib/db/outbox";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Channel, maskAddress } from "@/lib/notify/config";
import type { ChannelType } from "@/lib/notify/notify.schema";

const PURPOSE = "notification channels";

type SecretPart = Pick<Channel, "url" | "secret" | "token" | "to">;

export async function createStoredChannel(input: { name: string; type: ChannelType; ownerId: string | null; events: NotificationEvent[]; clients: string[] | null } & SecretPart) {
  const secret: SecretPart = { url: input.url, secret: input.secret, token: input.token, to: input.to };
  return prisma.notificationChannel.create({
    data: {
      name: input.name,
      type: input.type,
      ownerId: input.ownerId,
      eventsJson: JSON.stringify(input.events),
      clientsJson: input.clients ? JSON.stringify(input.clients) : null,
      configSealed: seal(PURPOSE, JSON.stringify(secret)),
    },
    select: { id: true },
  });
}

export type StoredChannel = Channel & { id: string; ownerId: string | null; label: string };

/** Every stored channel that still opens (one sealed under an old AUTH_SECRET is skipped: it must be made again). */
export async function listStoredChannels(where: Prisma.NotificationChannelWhereInput = {}): Promise<StoredChannel[]> {
  const rows = await prisma.notificationChannel.findMany({
    where,
    select: { id: true, name: true, type: true, ownerId: true, eventsJson: true, clientsJson: true, configSealed: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.flatMap((row) => {
    const plain = unseal(PURPOSE, row.configSealed);
    if (!plain) return [];
    const secret = JSON.parse(plain) as SecretPart;
    // stored channels are named apart from notifications.yaml's, so the two never share a delivery record
    return [
      {
        id: row.id,
        ownerId: row.ownerId,
        label: row.name,
        ...secret,
        name: `stored:${row.id}`,
        type: row.type as ChannelType,
        events: JSON.parse(row.eventsJson) as NotificationEvent[],
        clients: row.clientsJson ? (JSON.parse(row.clientsJson) as string[]) : null,
      },
    ];
  });
}

/** Deletes one of a person's own channels (nothing when it is not theirs). */
export async function deleteOwnChannel(ownerId: string, id: string): Promise<boolean> {
  return (await prisma.notificationChannel.deleteMany({ where: { id, ownerId } })).count === 1;
}

export type OwnChannelSummary = { id: string; name: string; type: ChannelType; address: string };

/** A person's own channels as the browser may see them: the address masked, the secret never. */
export async function listOwnChannelSummaries(ownerId: string): Promise<OwnChannelSummary[]> {
  return (await listStoredChannels({ ownerId })).map((c) => ({ id: c.id, name: c.label, type: c.type, address: maskAddress(c) }));
}
