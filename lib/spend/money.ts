// Money and months as Switchboard writes them, in messages and on pages alike (one fixed locale, so a
// server-rendered page hydrates without a mismatch).
const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const smallUsd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 4 });
const tokens = new Intl.NumberFormat("en-US");

/** "$12.34"; under a dollar with up to four decimals, so a cent's fraction is not shown as $0.00. */
export function formatCost(amount: number): string {
  return Math.abs(amount) < 1 ? smallUsd.format(amount) : usd.format(amount);
}

export function formatTokens(n: number): string {
  return tokens.format(n);
}

export type Month = { start: Date; end: Date; key: string; label: string };

/** The calendar month (UTC) `offset` months from the one `now` is in. */
export function monthOf(now: Date, offset = 0): Month {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const key = `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
  const label = start.toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  return { start, end, key, label };
}
