"use server";
import { authAction } from "@/lib/actions/safe-action";
import { sendTestToChannel } from "@/lib/notify/delivery-log";
import { ZSendTestInput } from "@/lib/notify/notify.schema";

/** Settings' "send a test" for one channel: sent now, logged, and the outcome shown beside the button. */
export const sendTestNotificationAction = authAction({ schema: ZSendTestInput, role: "admin" }, async (input, user) => sendTestToChannel(input.channel, user.email));
