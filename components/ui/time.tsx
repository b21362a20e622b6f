"use client";
// Relative times ("3 min ago") with the absolute time on hover; re-rendered every 30 s.
// The server and the browser's first render must produce the same text (React hydration error #418
// otherwise): anything that depends on the clock, the time zone or the locale is rendered from the ISO
// string first and turned local or relative only after mount.
import { useEffect, useState } from "react";

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

function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

function relativeTime(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 10) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return rtf.format(Math.round(seconds / size), unit);
  }
  return date.toLocaleString();
}

export function RelativeTime({ value }: { value: string | Date | null | undefined }) {
  const now = useNow();
  if (!value) return <span className="text-zinc-400">—</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={now === null ? `${iso.slice(0, 19).replace("T", " ")} UTC` : date.toLocaleString()}>
      {now === null ? `${iso.slice(0, 16).replace("T", " ")} UTC` : relativeTime(date, now)}
    </time>
  );
}

/** The time of day in the browser's zone (a log line's time); UTC until mounted. */
export function ClockTime({ value }: { value: string | Date }) {
  const mounted = useMounted();
  const date = typeof value === "string" ? new Date(value) : value;
  const iso = date.toISOString();
  return <time dateTime={iso}>{mounted ? date.toLocaleTimeString() : `${iso.slice(11, 19)} UTC`}</time>;
}
