// This month's spend per client, for the Today page: USD against the budget, and subscription tokens.
import Link from "next/link";
import { formatUsd, formatNumber } from "@/lib/format";

type Row = { slug: string; name: string; usd: number; budgetUsd: number | null; subscriptionTokens: number; tokenBudget: number | null; subscriptionUsd: number };

export function SpendByClient({ rows }: { rows: Row[] }) {
  if (rows.length === 0) return <p className="text-sm text-zinc-500">Nothing spent yet this month. Agent steps add their cost here as they end.</p>;
  const total = rows.reduce((sum, r) => sum + r.usd, 0);
  return (
    <>
      <ul aria-label="Spend by client" className="space-y-1.5 text-sm">
        {rows.map((r) => {
          const over = (r.budgetUsd !== null && r.usd >= r.budgetUsd) || (r.tokenBudget !== null && r.subscriptionTokens >= r.tokenBudget);
          return (
            <li key={r.slug} data-client={r.slug} className="flex items-baseline justify-between gap-2">
              <Link className="min-w-0 truncate hover:underline" href={`/clients/${r.slug}`}>
                {r.name}
              </Link>
              <span className="shrink-0 text-right tabular-nums">
                {formatUsd(r.usd)}
                {r.budgetUsd !== null && <span className="text-xs text-zinc-500"> of {formatUsd(r.budgetUsd)}</span>}
                {r.subscriptionTokens > 0 && (
                  <span className="block text-xs text-zinc-500">
                    + {formatNumber(r.subscriptionTokens)} subscription tokens ({formatUsd(r.subscriptionUsd)} at API prices)
                  </span>
                )}
                {over && <span className="block text-xs text-red-700 dark:text-red-400">budget reached</span>}
              </span>
            </li>
          );
        })}
      </ul>
      <p className="mt-2 border-t border-zinc-200 pt-2 text-sm dark:border-zinc-800">
        <span className="text-zinc-500">All clients:</span> <span className="tabular-nums">{formatUsd(total)}</span>
      </p>
    </>
  );
}
