// Channels kept in the database (made in Settings, by a person for themselves or by an admin for the
// team): the address and secret are sealed at rest, like ping tokens, and opened only to send.
import "server-only";
import { createHash } from "node:crypto";
import { seal, unseal } from "@/lib/auth/seal";
import { prisma } from "@/lib/db/client";
import { NOTIFICATION_EVENTS, type NotificationEvent } from "@/lib/db/outbox";
import type { Prisma } from "@/lib/generated/prisma/client";
import { checkPersonalTarget, pushEndpoint } from "@/lib/notify/address-filter";
import { type Channel, maskAddress } from "@/lib/notify/config";
import type { ChannelType } from "@/lib/notify/notify.schema";

const PURPOSE = "notification channels";

type SecretPart = Pick<Channel, "url" | "secret" | "token" | "to" | "keys">;

/**
 * Keeps a channel; a person's own (ownerId set) only when its address passes the address filter. A push
 * endpoint is kept normalized, and refused when web-push would read another host from it (pushEndpoint).
 */
export async function createStoredChannel(input: { name: string; type: ChannelType; ownerId: string | null; events: NotificationEvent[]; clients: string[] | null } & SecretPart) {
  const url = input.type === "webpush" && input.url !== undefined ? pushEndpoint(input.url).href : input.url;
  if (input.ownerId !== null && url !== undefined) await checkPersonalTarget(url);
  const secret: SecretPart = { url, secret: input.secret, token: input.token, to: input.to, keys: input.keys };
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

/**
 * A person's own Web Push channel for one browser (Settings' "Enable push on this browser"): the
 * subscription sealed like any channel's address; the same browser subscribing again replaces its row,
 * and another person's row for the same browser (a shared browser goes to whoever enabled push last).
 * It takes every event the person may see (tool.changed is for admins). The endpoint is kept as its
 * normalized href, and refused when web-push's parser would read another host from it (pushEndpoint).
 */
export async function saveOwnPushChannel(owner: { id: string; role: string }, subscription: { endpoint: string; keys: { p256dh: string; auth: string } }) {
  const endpoint = pushEndpoint(subscription.endpoint).href;
  await checkPersonalTarget(endpoint);
  const name = pushChannelName(endpoint);
  const events = NOTIFICATION_EVENTS.filter((e) => owner.role === "admin" || e !== "tool.changed");
  const configSealed = seal(PURPOSE, JSON.stringify({ url: endpoint, keys: subscription.keys } satisfies SecretPart));
  // one browser, one person: a shared browser that another person subscribed before stops getting theirs
  const [, channel] = await prisma.$transaction([
    prisma.notificationChannel.deleteMany({ where: { type: "webpush", name, ownerId: { not: owner.id } } }),
    prisma.notificationChannel.upsert({
      where: { ownerId_name: { ownerId: owner.id, name } },
      create: { name, type: "webpush", ownerId: owner.id, eventsJson: JSON.stringify(events), clientsJson: null, configSealed },
      update: { configSealed },
      select: { id: true, name: true },
    }),
  ]);
  return channel;
}

/** One browser's push channel is named by its endpoint, so the same browser finds its own row again. */
function pushChannelName(endpoint: string): string {
  return `push-${createHash("sha256").update(endpoint).digest("hex").slice(0, 12)}`;
}

/**
 * "Disable push on this browser": deletes the person's own push channel for this endpoint (nothing
 * when it is another person's, or already gone); whether one was deleted.
 */
export async function deleteOwnPushChannel(ownerId: string, endpoint: string): Promise<boolean> {
  // named by the normalized endpoint since it is kept normalized; a row kept before by the endpoint as given
  const names = new Set([pushChannelName(endpoint)]);
  if (URL.canParse(endpoint)) names.add(pushChannelName(new URL(endpoint).href));
  return (await prisma.notificationChannel.deleteMany({ where: { ownerId, type: "webpush", name: { in: [...names] } } })).count >= 1;
}

/** One of a person's own channels, ready to send to (null when there is none of that id that is theirs). */
export async function ownChannel(ownerId: string, id: string): Promise<StoredChannel | null> {
  return (await listStoredChannels({ id, ownerId }))[0] ?? null;
}

/** Removes a stored channel (a push subscription the push service says is gone). */
export async function deleteStoredChannel(id: string): Promise<void> {
  await prisma.notificationChannel.deleteMany({ where: { id } });
}
