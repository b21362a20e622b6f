"use server";
import { recordAudit } from "@/lib/audit";
import { authAction } from "@/lib/actions/safe-action";
import { SafeError } from "@/lib/errors";
import { sendTestToChannel } from "@/lib/notify/delivery-log";
import { ZDisablePushInput, ZPushSubscriptionInput, ZSendTestInput } from "@/lib/notify/notify.schema";
import { sendTestNotification } from "@/lib/notify/sender";
import { deleteOwnPushChannel, listStoredChannels, saveOwnPushChannel } from "@/lib/notify/stored-channels";

/** Settings' "send a test" for one channel: sent now, logged, and the outcome shown beside the button. */
export const sendTestNotificationAction = authAction({ schema: ZSendTestInput, role: "admin" }, async (input, user) => sendTestToChannel(input.channel, user.email));

/**
 * "Enable push on this browser": the browser's subscription kept as the person's own webpush channel
 * (sealed; never sent back), then a test sent to it so the person sees it work.
 */
export const enablePushAction = authAction({ schema: ZPushSubscriptionInput }, async (input, user) => {
  const { id } = await saveOwnPushChannel(user, input);
  const channel = (await listStoredChannels()).find((c) => c.id === id);
  if (!channel) throw new SafeError("The subscription could not be kept; try again");
  return sendTestNotification(channel, user.email);
});

/**
 * "Disable push on this browser": deletes the signed-in person's own push channel for this browser's
 * endpoint (the browser then unsubscribes). Another person's subscription is never touched.
 */
export const disablePushAction = authAction({ schema: ZDisablePushInput }, async (input, user) => {
  const removed = await deleteOwnPushChannel(user.id, input.endpoint);
  if (removed) await recordAudit({ actor: { id: user.id, label: user.email }, action: "notifications.push.disable", targetType: "user", targetId: user.id });
  return { removed };
});
