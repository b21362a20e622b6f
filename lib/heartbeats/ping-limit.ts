// How often one ping token may signal: about 60 a minute (a bucket of 60 that refills one a second), so a
// script that pings in a loop, or a flood against a leaked URL, cannot fill the events table or queue a
// storm of alerts. Checked before the body is read and before the database is asked, keyed by the token's
// sha256 (a wrong token is limited too). Kept in memory on globalThis: the ping routes are served by the
// one web server process (the worker and the scheduler never take pings), so one map sees every ping;
// a restart forgets it, which costs at most one more minute's worth.
import "server-only";

export const PING_LIMIT_PER_MINUTE = 60;
const REFILL_PER_MS = PING_LIMIT_PER_MINUTE / 60_000;
// tokens remembered at once; past it, the fullest buckets (idle ones) are forgotten first
const MAX_KEYS = 10_000;

type Bucket = { tokens: number; at: number };

const store = globalThis as typeof globalThis & { __switchboardPingLimit?: Map<string, Bucket> };

function buckets(): Map<string, Bucket> {
  store.__switchboardPingLimit ??= new Map();
  return store.__switchboardPingLimit;
}

function level(bucket: Bucket, now: number): number {
  return Math.min(PING_LIMIT_PER_MINUTE, bucket.tokens + (now - bucket.at) * REFILL_PER_MS);
}

/** Takes one signal for `tokenHash`; returns the seconds to wait when the token is over its limit, else null. */
export function takePing(tokenHash: string, now = Date.now()): { retryAfterS: number } | null {
  const map = buckets();
  const bucket = map.get(tokenHash);
  const tokens = bucket ? level(bucket, now) : PING_LIMIT_PER_MINUTE;
  if (tokens < 1) return { retryAfterS: Math.max(1, Math.ceil((1 - tokens) / REFILL_PER_MS / 1000)) };
  if (!bucket && map.size >= MAX_KEYS) forgetIdle(map, now);
  map.set(tokenHash, { tokens: tokens - 1, at: now });
  return null;
}

function forgetIdle(map: Map<string, Bucket>, now: number): void {
  for (const [key, bucket] of map) if (level(bucket, now) >= PING_LIMIT_PER_MINUTE) map.delete(key);
  // every bucket busy (a flood of distinct tokens): drop the oldest entries
  for (const key of map.keys()) {
    if (map.size < MAX_KEYS) break;
    map.delete(key);
  }
}
