"use client";
// Times that follow the viewer: relative ("3 min ago") with the absolute time on hover, a log line's time
// of day, a date and time in the viewer's zone. The server and the browser's first render must produce
// the same text (React hydration error #418 otherwise): anything that depends on the clock, the time zone
// or the locale is rendered in UTC from lib/format.ts first and turned local or relative only after mount.
import { useEffect, useState } from "react";
import { formatUtc } from "@/lib/format";

/** `Date.now()` after mount, refreshed every `everyMs`; null on the server and in the first render. */
export function useNow(everyMs = 30_000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** False on the server and in the first render, true after mount: when the viewer's locale and zone may be used. */
export function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** The viewer's IANA time zone after mount; null on the server and in the first render. */
export function useViewerTimeZone(): string | null {
  const mounted = useMounted();
  return mounted ? Intl.DateTimeFormat().resolvedOptions().timeZone : null;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

// the viewer's locale: only ever called after mount
let rtf: Intl.RelativeTimeFormat | null = null;

function relativeTime(date: Date, now: number): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 10) return "just now";
  rtf ??= new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return rtf.format(Math.round(seconds / size), unit);
  }
  return date.toLocaleString();
}

const toDate = (value: string | Date) => (typeof value === "string" ? new Date(value) : value);

export function RelativeTime({ value }: { value: string | Date | null | undefined }) {
  const now = useNow();
  if (!value) return <span className="text-zinc-400">—</span>;
  const date = toDate(value);
  return (
    <time dateTime={date.toISOString()} title={localDateTime(date, now !== null)}>
      {now === null ? formatUtc(date) : relativeTime(date, now)}
    </time>
  );
}

/** The time of day in the browser's zone (a log line's time); UTC until mounted. */
export function ClockTime({ value }: { value: string | Date }) {
  const mounted = useMounted();
  const date = toDate(value);
  const iso = date.toISOString();
  return <time dateTime={iso}>{mounted ? date.toLocaleTimeString() : `${iso.slice(11, 19)} UTC`}</time>;
}

/** A date and time as text (a tooltip's): the viewer's locale and zone once `mounted` (useMounted), UTC before. */
export function localDateTime(value: string | Date, mounted: boolean): string {
  const date = toDate(value);
  return mounted ? date.toLocaleString() : formatUtc(date, true);
}
