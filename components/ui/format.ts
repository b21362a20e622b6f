// Formatting shared by server and client components (no "use client": server components call these).

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

// One fixed locale: the server and the browser format alike, so a server-rendered page hydrates
// without a text mismatch whatever the server's or the operator's locale.
const numberFormat = new Intl.NumberFormat("en-US");
const usdFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

export function formatUsd(amount: number): string {
  return usdFormat.format(amount);
}
