// Spend months: the calendar month (UTC) a cost counts in, named in one fixed locale so a
// server-rendered page hydrates without a mismatch. Money itself is written by lib/format.ts.

export type Month = { start: Date; end: Date; key: string; label: string };

/** The calendar month (UTC) `offset` months from the one `now` is in. */
export function monthOf(now: Date, offset = 0): Month {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const key = `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
  const label = start.toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  return { start, end, key, label };
}
