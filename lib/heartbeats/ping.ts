// Pings from jobs that run elsewhere: /api/ping/<token> (success), /start, /fail, /<exit-code>.
// A wrong or malformed token is "not found" after at most one indexed read, and writes nothing.
import "server-only";
import { prisma } from "@/lib/db/client";
import { queueAlertRun } from "@/lib/heartbeats/control";
import { loadHeartbeats } from "@/lib/heartbeats/definitions";
import { PING_BODY_MAX_BYTES } from "@/lib/heartbeats/heartbeats.schema";
import { hashPingToken, PING_TOKEN_PATTERN } from "@/lib/heartbeats/ping-token";
import { evaluateIncident, STATE_SELECT, writeSignal, type SignalInput } from "@/lib/heartbeats/store";

export type PingSignal = { kind: "success" | "start" | "fail"; exitCode: number | null };

/** The signal a URL's last segment names; null for anything else (then the URL does not exist). */
export function parsePingSignal(segment: string | undefined): PingSignal | null {
  if (segment === undefined || segment === "") return { kind: "success", exitCode: null };
  if (segment === "start") return { kind: "start", exitCode: null };
  if (segment === "fail") return { kind: "fail", exitCode: null };
  if (/^\d{1,3}$/.test(segment)) {
    const code = Number(segment);
    if (code > 255) return null;
    return { kind: code === 0 ? "success" : "fail", exitCode: code };
  }
  return null;
}

/** Reads at most PING_BODY_MAX_BYTES of a request body (the rest is never buffered). */
export async function readPingBody(body: ReadableStream<Uint8Array> | null): Promise<{ text: string; truncated: boolean } | null> {
  if (!body) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = PING_BODY_MAX_BYTES - size;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      size += room;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  if (size === 0) return null;
  // a cut in the middle of a multi-byte character becomes U+FFFD, never an error
  return { text: Buffer.concat(chunks).toString("utf8"), truncated };
}

/** Records a ping; false when no heartbeat has this token. */
export async function recordPing(token: string, signal: PingSignal, body: { text: string; truncated: boolean } | null, now = new Date()): Promise<boolean> {
  if (!PING_TOKEN_PATTERN.test(token)) return false;
  const state = await prisma.heartbeatState.findUnique({ where: { pingToken: hashPingToken(token) }, select: STATE_SELECT });
  if (!state) return false;
  // a heartbeat removed from the workspace keeps its history but takes no more pings
  const def = loadHeartbeats().heartbeats.find((h) => h.slug === state.slug);
  if (!def) return false;
  const message = body ? `${body.text}${body.truncated ? `\n[cut at ${PING_BODY_MAX_BYTES / 1024} KB]` : ""}` : signal.exitCode !== null && signal.exitCode !== 0 ? `exit code ${signal.exitCode}` : null;
  const input: SignalInput = { kind: signal.kind, at: now, exitCode: signal.exitCode, message };
  await writeSignal(state, input);
  await evaluateIncident(def, state.id, now, queueAlertRun);
  // no need to wake the scheduler: a ping only moves the grace end later, and its timer re-reads the state
  return true;
}
