// Requests per API token per minute at /api/mcp, counted in memory (on globalThis, so every route bundle
// of the process shares one count). A fixed window per token: simple, and a burst can at most double it
// across a window's edge. Kept small: the oldest windows are dropped past MAX_TOKENS. The caller opens a
// window only for a token it has checked (takeRateToken after the lookup), so made-up tokens, which anyone
// can send, never crowd a real token's window out; rateExceeded refuses a known one early.
import "server-only";

const WINDOW_MS = 60_000;
const MAX_TOKENS = 10_000;

type Window = { start: number; count: number };
const globalForRate = globalThis as unknown as { switchboardOperatorMcpRate?: Map<string, Window> };
const windows = (globalForRate.switchboardOperatorMcpRate ??= new Map());

/** Whether `key` already made `limit` requests in its current window (nothing is counted or opened). */
export function rateExceeded(key: string, limit: number, now = Date.now()): { limit: number; retryAfterSeconds: number } | null {
  const w = windows.get(key);
  if (!w || now - w.start >= WINDOW_MS || w.count < limit) return null;
  return { limit, retryAfterSeconds: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
}

/** Counts one request for `key`; refused when the key already made `limit` in this window. */
export function takeRateToken(key: string, limit: number, now = Date.now()): { ok: true } | { ok: false; limit: number; retryAfterSeconds: number } {
  let w = windows.get(key);
  if (!w || now - w.start >= WINDOW_MS) {
    if (!w && windows.size >= MAX_TOKENS) windows.delete(windows.keys().next().value as string);
    w = { start: now, count: 0 };
    windows.delete(key);
    windows.set(key, w);
  }
  if (w.count >= limit) return { ok: false, limit, retryAfterSeconds: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
  w.count += 1;
  return { ok: true };
}
