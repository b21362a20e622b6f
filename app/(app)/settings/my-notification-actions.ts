"use server";
import { recordAudit } from "@/lib/audit";
import { authAction } from "@/lib/actions/safe-action";
import { isUniqueViolation } from "@/lib/db/client";
import { NOTIFICATION_EVENTS } from "@/lib/db/outbox";
import { SafeError } from "@/lib/errors";
import { savePreferences } from "@/lib/notify/preferences";
import { ZDeleteChannelInput, ZOwnChannelInput, ZPersonalChannelInput, ZSavePreferencesInput } from "@/lib/notify/preferences.schema";
import { sendTestNotification } from "@/lib/notify/sender";
import { createStoredChannel, deleteOwnChannel, ownChannel } from "@/lib/notify/stored-channels";

/** Saves the signed-in person's own preferences, or (admins) the defaults for people without their own; nobody else's. */
export const savePreferencesAction = authAction({ schema: ZSavePreferencesInput }, async (input, user) => {
  await savePreferences(user, input.target, input.preferences);
  await recordAudit({ actor: { id: user.id, label: user.email }, action: "notifications.preferences", targetType: "user", targetId: input.target });
});

/** Adds a channel of the signed-in person's own; its address is sealed and never sent back in full. */
export const addPersonalChannelAction = authAction({ schema: ZPersonalChannelInput }, async (input, user) => {
  const { name, ...secret } = input;
  try {
    const { id } = await createStoredChannel({ ...secret, name, ownerId: user.id, events: [...NOTIFICATION_EVENTS], clients: null });
    await recordAudit({ actor: { id: user.id, label: user.email }, action: "notifications.channel.create", targetType: "notification-channel", targetId: id, data: { type: input.type } });
    return { id };
  } catch (error) {
    if (isUniqueViolation(error)) throw new SafeError(`You already have a channel named ${name}`);
    throw error;
  }
});

/** Removes one of the signed-in person's own channels. */
export const deletePersonalChannelAction = authAction({ schema: ZDeleteChannelInput }, async (input, user) => {
  if (!(await deleteOwnChannel(user.id, input.id))) throw new SafeError("No such channel of yours");
  await recordAudit({ actor: { id: user.id, label: user.email }, action: "notifications.channel.delete", targetType: "notification-channel", targetId: input.id });
});

/**
 * "Send a test" for one of the signed-in person's own channels (only theirs: another person's id is
 * refused as no channel of theirs): sent now through the address filter, logged, and the outcome returned.
 */
export const sendPersonalTestAction = authAction({ schema: ZOwnChannelInput }, async (input, user) => {
  const channel = await ownChannel(user.id, input.id);
  if (!channel) throw new SafeError("No such channel of yours");
  return sendTestNotification(channel, user.email);
});
