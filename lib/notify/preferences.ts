// Each person's notification preferences: which events, for which clients, on which of their own
// channels; quiet hours in their time zone (a message that falls in them is held and sent when they end);
// and a daily digest at a local hour, in place of each message. The row "defaults" is the admins'
// defaults: it is read for every person who has not saved their own, so a new user gets it.
import "server-only";
import type { SessionUser } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { NOTIFICATION_EVENTS, type NotificationEvent } from "@/lib/db/outbox";
import { SafeError } from "@/lib/errors";
import { ZPreferences } from "@/lib/notify/preferences.schema";
import type { z } from "zod";

export const DEFAULTS_ID = "defaults";

export type Preferences = z.output<typeof ZPreferences>;
export { ZPreferences };

/** When neither the person nor the admins saved anything: every event, no quiet hours, no digest. */
export const BUILT_IN: Preferences = { events: [...NOTIFICATION_EVENTS], clients: null, channels: null, timeZone: "UTC", quietStart: null, quietEnd: null, digestHour: null };

type Row = { eventsJson: string; clientsJson: string | null; channelsJson: string | null; timeZone: string; quietStart: string | null; quietEnd: string | null; digestHour: number | null };

function fromRow(row: Row): Preferences {
  return {
    events: JSON.parse(row.eventsJson) as NotificationEvent[],
    clients: row.clientsJson ? (JSON.parse(row.clientsJson) as string[]) : null,
    channels: row.channelsJson ? (JSON.parse(row.channelsJson) as string[]) : null,
    timeZone: row.timeZone,
    quietStart: row.quietStart,
    quietEnd: row.quietEnd,
    digestHour: row.digestHour,
  };
}

export async function defaultPreferences(): Promise<Preferences> {
  const row = await prisma.notificationPreference.findUnique({ where: { userId: DEFAULTS_ID } });
  return row ? fromRow(row) : BUILT_IN;
}

/** A person's preferences: their own row, or else the admins' defaults. */
export async function preferencesOf(userId: string): Promise<Preferences & { own: boolean }> {
  const row = await prisma.notificationPreference.findUnique({ where: { userId } });
  return row ? { ...fromRow(row), own: true } : { ...(await defaultPreferences()), own: false };
}

/**
 * Saves preferences for `target` ("defaults", or a user's id). A person saves only their own; only an
 * admin saves the defaults. Nobody saves another person's.
 */
export async function savePreferences(actor: SessionUser, target: string, input: Preferences): Promise<void> {
  if (target === DEFAULTS_ID ? actor.role !== "admin" : target !== actor.id) throw new SafeError("You can change only your own notification preferences");
  const data = {
    eventsJson: JSON.stringify(input.events),
    clientsJson: input.clients ? JSON.stringify(input.clients) : null,
    channelsJson: input.channels ? JSON.stringify(input.channels) : null,
    timeZone: input.timeZone,
    quietStart: input.quietStart,
    quietEnd: input.quietEnd,
    digestHour: input.digestHour,
  };
  await prisma.notificationPreference.upsert({ where: { userId: target }, create: { userId: target, ...data }, update: data });
}

/** Whether a person with these preferences wants this event for this client (tool.changed: admins only). */
export function personTakes(prefs: Preferences, role: string, event: string, client: string | null): boolean {
  if (event === "tool.changed" && role !== "admin") return false;
  if (!prefs.events.includes(event as NotificationEvent)) return false;
  return prefs.clients === null || (client !== null && prefs.clients.includes(client));
}

// --- local time in an IANA zone, with Intl only -----------------------------------------------------

type Local = { year: number; month: number; day: number; hour: number; minute: number };

function localParts(ms: number, timeZone: string): Local {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** How far the zone's wall clock is ahead of UTC at the instant `ms` (taken to its minute). */
function offsetAt(ms: number, timeZone: string): number {
  const at = Math.floor(ms / MINUTE) * MINUTE;
  const seen = localParts(at, timeZone);
  return Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute) - at;
}

/**
 * Every instant at which the local clock in `timeZone` reads `local`, earliest first: one on most days,
 * two in the hour a clock goes back (once under the offset before, once under the offset after), and in
 * a gap a clock jumps over (that wall time never happens) the first instant after the gap.
 */
function localToInstants(local: Local, timeZone: string): number[] {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // the offsets in force a day either side cover any change on this day
  const offsets = [...new Set([offsetAt(wall - DAY, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY, timeZone)])];
  const candidates = [...new Set(offsets.map((o) => wall - o))].sort((a, b) => a - b);
  const reads = (ms: number) => {
    const seen = localParts(ms, timeZone);
    return seen.year === local.year && seen.month === local.month && seen.day === local.day && seen.hour === local.hour && seen.minute === local.minute;
  };
  const found = candidates.filter(reads);
  if (found.length > 0) return found;
  // a gap: the wall time read under the offset before the change lands after it, under the offset after
  // it lands before; the change is the first minute between them that has the later offset
  let before = candidates[0];
  let after = candidates[candidates.length - 1];
  const later = offsetAt(after, timeZone);
  while (after - before > MINUTE) {
    const mid = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
    if (offsetAt(mid, timeZone) === later) after = mid;
    else before = mid;
  }
  return [after];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The first instant at or after `now` when the local clock in `timeZone` reads `minuteOfDay` (in the hour
 * a clock goes back, whichever of its two passes comes first; in a gap, the instant just after it).
 */
export function nextLocalTime(now: number, timeZone: string, minuteOfDay: number): number {
  const today = localParts(now, timeZone);
  for (let add = 0; add < 3; add++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + add));
    const instants = localToInstants({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 }, timeZone);
    const at = instants.find((t) => t >= now);
    if (at !== undefined) return at;
  }
  return now;
}

/**
 * When a message that arrives at `now` goes to this person: now (null), or held until their quiet hours
 * end, or until their next digest hour (a digest person's messages all wait for it, quiet hours or not).
 */
export function holdUntil(prefs: Preferences, now: number): { kind: "quiet" | "digest"; until: number } | null {
  if (prefs.digestHour !== null) return { kind: "digest", until: nextLocalTime(now, prefs.timeZone, prefs.digestHour * 60) };
  if (prefs.quietStart === null || prefs.quietEnd === null) return null;
  const local = localParts(now, prefs.timeZone);
  const m = local.hour * 60 + local.minute;
  const start = minutesOf(prefs.quietStart);
  const end = minutesOf(prefs.quietEnd);
  const quiet = start < end ? m >= start && m < end : m >= start || m < end;
  return quiet ? { kind: "quiet", until: nextLocalTime(now, prefs.timeZone, end) } : null;
}
