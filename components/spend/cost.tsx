// How a cost reads wherever it is shown: USD at API prices; "no price for <model>" instead of a $0 that
// would be a lie; a subscription's API-equivalent cost apart from USD, marked as such.
import { formatUsd, formatNumber } from "@/lib/format";

type StepUsage = { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number; subscription: boolean; apiCostUsd: number | null };
type RunUsage = {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  subscription: boolean;
  subscriptionTokens: number;
  subscriptionUsd: number;
  unpricedModel: string | null;
};

export function SubscriptionMark() {
  return (
    <span
      className="rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-800 dark:bg-violet-950 dark:text-violet-200"
      title="Run on the operator's subscription login: no USD billed; tokens count against the client's token budget"
    >
      subscription
    </span>
  );
}

/** One agent step's cost line on the run page. */
export function StepCost({ usage, model }: { usage: StepUsage; model: string | null }) {
  const tokens = usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  if (tokens === 0) return null;
  const priced = usage.apiCostUsd !== null;
  return (
    <p className="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-zinc-500" aria-label="Step cost">
      <span>{formatNumber(tokens)} tokens</span>
      {usage.subscription && <SubscriptionMark />}
      {!priced ? (
        <span className="text-amber-700 dark:text-amber-300">no price for {model ?? "this model"}</span>
      ) : usage.subscription ? (
        <span>{formatUsd(usage.apiCostUsd ?? 0)} at API prices (not billed)</span>
      ) : (
        <span className="font-medium text-zinc-700 dark:text-zinc-300">{formatUsd(usage.costUsd)}</span>
      )}
    </p>
  );
}

/** A run's usage card body. */
export function RunCost({ usage }: { usage: RunUsage }) {
  return (
    <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm" aria-label="Run cost">
      <dt className="text-zinc-500">Cost</dt>
      <dd className="tabular-nums" data-testid="run-cost">
        {usage.costUsd === null ? "unknown" : formatUsd(usage.costUsd)}
        {usage.unpricedModel && <span className="block text-xs text-amber-700 dark:text-amber-300">no price for {usage.unpricedModel}</span>}
      </dd>
      <dt className="text-zinc-500">Tokens</dt>
      <dd className="tabular-nums">
        {formatNumber(usage.inputTokens)} in · {formatNumber(usage.outputTokens)} out
        {usage.cacheReadTokens + usage.cacheWriteTokens > 0 && (
          <span className="block text-xs text-zinc-500">
            {formatNumber(usage.cacheReadTokens)} cache read · {formatNumber(usage.cacheWriteTokens)} cache write
          </span>
        )}
      </dd>
      {usage.subscription && (
        <>
          <dt className="text-zinc-500">
            <SubscriptionMark />
          </dt>
          <dd className="tabular-nums">
            {formatNumber(usage.subscriptionTokens)} tokens
            <span className="block text-xs text-zinc-500">{formatUsd(usage.subscriptionUsd)} at API prices, not billed</span>
          </dd>
        </>
      )}
    </dl>
  );
}

/** This month against a budget: a bar with the numbers beside it (a word with the colour, always). */
export function BudgetBar({ label, spent, budget, format }: { label: string; spent: number; budget: number | null; format: (n: number) => string }) {
  if (budget === null) {
    return (
      <p className="text-sm">
        <span className="text-zinc-500">{label}:</span> {format(spent)} <span className="text-xs text-zinc-500">(no budget)</span>
      </p>
    );
  }
  const share = budget > 0 ? Math.min(spent / budget, 1) : 1;
  const over = spent >= budget;
  const near = !over && share >= 0.8;
  const state = over ? "reached" : near ? "near" : "ok";
  return (
    <div className="space-y-1" data-budget-state={state}>
      <p className="flex justify-between gap-2 text-sm">
        <span>
          <span className="text-zinc-500">{label}:</span> {format(spent)} of {format(budget)}
        </span>
        <span className={`text-xs ${over ? "text-red-700 dark:text-red-400" : near ? "text-amber-700 dark:text-amber-300" : "text-zinc-500"}`}>
          {over ? "budget reached: new agent runs are refused" : `${Math.round(share * 100)}%`}
        </span>
      </p>
      {/* biome-ignore lint/a11y/useSemanticElements: a <meter> cannot be drawn the same in every browser; the role says the same */}
      <div role="meter" aria-label={`${label} against the budget`} aria-valuemin={0} aria-valuemax={budget} aria-valuenow={Math.min(spent, budget)} className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
        <div className={`h-full ${over ? "bg-red-600" : near ? "bg-amber-500" : "bg-indigo-600"}`} style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}
