// The last months' spend of a client as a small bar chart, plain server-rendered SVG: one bar per month
// (USD at API prices), the budget as a dashed line, each bar's amount as text and in its tooltip.
import { formatUsd, formatNumber } from "@/lib/format";

type MonthBar = { month: { key: string; label: string }; usd: number; subscriptionTokens: number; subscriptionUsd: number };

const W = 360;
const H = 140;
const TOP = 18;
const BOTTOM = 22;

export function MonthChart({ months, budgetUsd }: { months: MonthBar[]; budgetUsd: number | null }) {
  const max = Math.max(...months.map((m) => m.usd), budgetUsd ?? 0, 0.01);
  const slot = W / months.length;
  const barW = slot * 0.6;
  const y = (usd: number) => TOP + (H - TOP - BOTTOM) * (1 - usd / max);
  const short = (label: string) => label.split(" ")[0].slice(0, 3);
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Spend per month: ${months.map((m) => `${m.month.label} ${formatUsd(m.usd)}`).join(", ")}`} className="h-auto w-full max-w-md text-zinc-500">
        {months.map((m, i) => {
          const x = i * slot + (slot - barW) / 2;
          const top = y(m.usd);
          return (
            <g key={m.month.key} data-month={m.month.key}>
              <title>{`${m.month.label}: ${formatUsd(m.usd)}${m.subscriptionTokens ? `; subscription ${formatNumber(m.subscriptionTokens)} tokens (${formatUsd(m.subscriptionUsd)} at API prices)` : ""}`}</title>
              <rect x={x} y={top} width={barW} height={Math.max(H - BOTTOM - top, m.usd > 0 ? 1 : 0)} className={i === months.length - 1 ? "fill-indigo-600" : "fill-indigo-300 dark:fill-indigo-800"} />
              <text x={x + barW / 2} y={top - 4} textAnchor="middle" fontSize="10" fill="currentColor">
                {m.usd > 0 ? formatUsd(m.usd) : ""}
              </text>
              <text x={x + barW / 2} y={H - 6} textAnchor="middle" fontSize="10" fill="currentColor">
                {short(m.month.label)}
              </text>
            </g>
          );
        })}
        {budgetUsd !== null && (
          <line x1={0} x2={W} y1={y(budgetUsd)} y2={y(budgetUsd)} strokeDasharray="4 3" className="stroke-red-500" strokeWidth={1}>
            <title>{`Monthly budget ${formatUsd(budgetUsd)}`}</title>
          </line>
        )}
        <line x1={0} x2={W} y1={H - BOTTOM} y2={H - BOTTOM} stroke="currentColor" strokeWidth={0.5} />
      </svg>
      <figcaption className="sr-only">
        Last {months.length} months, USD at API prices{budgetUsd !== null ? `; the dashed line is the ${formatUsd(budgetUsd)} budget` : ""}.
      </figcaption>
    </figure>
  );
}
