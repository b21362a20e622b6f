// A person's notification preferences (and the admins' defaults), and a personal channel, as Settings sends them.
import "server-only";
import { z } from "zod";
import { NOTIFICATION_EVENTS } from "@/lib/db/outbox";

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const ZTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time is HH:MM, e.g. 22:00");

export const ZPreferences = z
  .object({
    events: z.array(z.enum(NOTIFICATION_EVENTS)).max(NOTIFICATION_EVENTS.length),
    clients: z.array(z.string().min(1).max(100)).max(200).nullable(),
    channels: z.array(z.string().min(1).max(100)).max(50).nullable(),
    timeZone: z
      .string()
      .min(1)
      .max(100)
      .refine((tz) => isTimeZone(tz), "not an IANA time zone (e.g. America/Chicago)"),
    quietStart: ZTime.nullable(),
    quietEnd: ZTime.nullable(),
    digestHour: z.number().int().min(0).max(23).nullable(),
  })
  .refine((p) => (p.quietStart === null) === (p.quietEnd === null) && (p.quietStart === null || p.quietStart !== p.quietEnd), {
    message: "quiet hours need a start and a different end",
    path: ["quietEnd"],
  });

export const ZSavePreferencesInput = z.object({ target: z.string().min(1).max(100), preferences: ZPreferences });

export const ZPersonalChannelInput = z.discriminatedUnion("type", [
  z.strictObject({ name: z.string().trim().min(1).max(60), type: z.literal("webhook"), url: z.url(), secret: z.string().min(1, "a webhook needs a secret to sign with").max(500) }),
  z.strictObject({ name: z.string().trim().min(1).max(60), type: z.literal("slack"), url: z.url() }),
  z.strictObject({ name: z.string().trim().min(1).max(60), type: z.literal("discord"), url: z.url() }),
  z.strictObject({ name: z.string().trim().min(1).max(60), type: z.literal("ntfy"), url: z.url(), token: z.string().max(500).optional() }),
  z.strictObject({ name: z.string().trim().min(1).max(60), type: z.literal("email"), to: z.email() }),
]);

/** One of the caller's own channels, by id (remove it, send it a test). */
export const ZOwnChannelInput = z.object({ id: z.string().min(1).max(100) });
export const ZDeleteChannelInput = ZOwnChannelInput;
