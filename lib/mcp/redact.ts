// Secrets never reach a stored tool call, a log line or the browser: values equal to (or containing) a
// server's env or header values, and values under secret-looking keys, become "[redacted]".

export const REDACTED = "[redacted]";
const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key)$/i;

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A deep copy of `value` with secrets replaced; depth-limited so hostile nesting cannot blow the stack. */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (depth > 64) return "[too deep]";
  if (typeof value === "string") return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && (typeof v === "string" || typeof v === "number") ? REDACTED : redactValue(v, secrets, depth + 1);
    }
    return out;
  }
  return value;
}
