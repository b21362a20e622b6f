// notifications.yaml (INTERFACES.md): the team's channels, each with the events and clients it takes.
import "server-only";
import { z } from "zod";
import { NOTIFICATION_EVENTS } from "@/lib/db/outbox";

export const CHANNEL_TYPES = ["webhook", "slack", "discord", "ntfy", "email"] as const;
/** The types notifications.yaml takes, and `webpush`: a person's own browser, subscribed in Settings only. */
export type ChannelType = (typeof CHANNEL_TYPES)[number] | "webpush";

const ZName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a name is lower-case letters, digits, - and _ (e.g. ops-webhook)");
const ZEvents = z.array(z.enum(NOTIFICATION_EVENTS)).min(1, "name at least one event");
const ZClients = z.array(z.string().min(1)).optional();

export const ZChannelEntry = z.discriminatedUnion("type", [
  z.strictObject({ name: ZName, type: z.literal("webhook"), url: z.string().min(1), secret: z.string().min(1, "a webhook needs a secret to sign with"), events: ZEvents, clients: ZClients }),
  z.strictObject({ name: ZName, type: z.literal("slack"), url: z.string().min(1), events: ZEvents, clients: ZClients }),
  z.strictObject({ name: ZName, type: z.literal("discord"), url: z.string().min(1), events: ZEvents, clients: ZClients }),
  z.strictObject({ name: ZName, type: z.literal("ntfy"), url: z.string().min(1), token: z.string().optional(), events: ZEvents, clients: ZClients }),
  z.strictObject({ name: ZName, type: z.literal("email"), to: z.string().min(3), events: ZEvents, clients: ZClients }),
]);
export type ChannelEntry = z.infer<typeof ZChannelEntry>;

export const ZSendTestInput = z.object({ channel: ZName });
export const ZListDeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(300).optional() });

/** A browser's PushSubscription (toJSON()), as Settings' "Enable push on this browser" sends it. */
export const ZPushSubscriptionInput = z.object({
  endpoint: z.url({ protocol: /^https$/ }).max(2000),
  keys: z.object({ p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}={0,2}$/), auth: z.string().regex(/^[A-Za-z0-9_-]{16,32}={0,2}$/) }),
});

/** "Disable push on this browser": the browser's subscription endpoint, which names its channel. */
export const ZDisablePushInput = z.object({ endpoint: z.url({ protocol: /^https$/ }).max(2000) });
