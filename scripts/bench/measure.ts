// What every bench measures with: percentiles of timings, and calls timed in turn so that each variant
// sees the same machine noise.

/** The p-th percentile (0-100) of `values` (nearest rank); 0 when there are none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Median and p95 of timings in ms, rounded to `digits` when given. */
export function medianP95(values: number[], digits?: number) {
  const fixed = (n: number) => (digits === undefined ? n : Number(n.toFixed(digits)));
  return { medianMs: fixed(percentile(values, 50)), p95Ms: fixed(percentile(values, 95)), n: values.length };
}

/**
 * Calls each variant `warmup` times, then `n` rounds of one call of each in turn, timing every call:
 * one list of durations (ms) per variant, index i of each taken in the same round.
 */
export async function timeInTurn(variants: (() => Promise<unknown>)[], n: number, warmup = 50): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const variant of variants) await variant();
  const times = variants.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (const [v, variant] of variants.entries()) {
      const t = performance.now();
      await variant();
      times[v].push(performance.now() - t);
    }
  }
  return times;
}
