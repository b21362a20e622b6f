// Numbers, money, durations and times as Switchboard writes them, in messages and on pages alike. One
// fixed locale (en-US) and UTC: the server and the browser format alike, so a server-rendered page
// hydrates without a text mismatch whatever the server's or the operator's locale. Text that should
// follow the viewer's locale or time zone is rendered after mount (components/ui/time.tsx), with these
// as its first render. Plain TS with no imports: server code, client components and scripts use it.

const numberFormat = new Intl.NumberFormat("en-US");
const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const smallUsd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 4 });
/** The smallest amount shown as itself: below it, "<$0.0001" (a token's price is far below a cent). */
const SMALLEST_USD = 0.0001;

/** 1,234,567 */
export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

/** "$12.34"; under a dollar with up to four decimals ($0.0031, not $0.00); a crumb is "<$0.0001". */
export function formatUsd(amount: number): string {
  if (amount !== 0 && Math.abs(amount) < SMALLEST_USD) return amount < 0 ? "-<$0.0001" : "<$0.0001";
  return Math.abs(amount) < 1 ? smallUsd.format(amount) : usd.format(amount);
}

/** "850 ms", "1.5 s", "12 s", "3 min 5 s", "2 h 4 min"; "—" for none. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "—";
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  if (m < 60) return s === 0 ? `${m} min` : `${m} min ${s} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** "2026-12-07 04:05 UTC" (or with seconds): a time before the viewer's zone is known. */
export function formatUtc(value: string | Date, withSeconds = false): string {
  const iso = (typeof value === "string" ? new Date(value) : value).toISOString();
  return `${iso.slice(0, withSeconds ? 19 : 16).replace("T", " ")} UTC`;
}

/** "Dec 7, 04:05 GMT+1": a time in a named zone (a heartbeat's), the same on the server and in the browser. */
export function formatInZone(value: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(
    typeof value === "string" ? new Date(value) : value,
  );
}
