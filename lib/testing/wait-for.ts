// The one way a test waits: poll a state until it holds. A timeout here is a failure ("never happened"),
// never a measurement, so it is generous: a busy 2-core machine may take many times the usual time.

export const DEFAULT_WAIT_MS = 60_000;

/**
 * Calls `probe` until it returns a truthy value and returns that value; throws after `timeoutMs`
 * naming `what` it waited for.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = DEFAULT_WAIT_MS, what = "a condition"): Promise<Exclude<T, null | undefined | false | 0 | "">> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, null | undefined | false | 0 | "">;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
