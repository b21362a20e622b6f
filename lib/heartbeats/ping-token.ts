// Ping tokens: 32 random bytes in the URL. Pings are looked up by the token's sha256, so a wrong token
// costs one indexed read and reveals nothing. Like Healthchecks.io, the heartbeat's page shows its ping
// URL to signed-in users; the token is kept AES-256-GCM sealed under a key derived from the session secret,
// so a copy of the database alone (a backup handed around) does not hold working ping URLs.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { seal, unseal } from "@/lib/auth/seal";

export const PING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newPingToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashPingToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function sealPingToken(token: string): string {
  return seal("ping tokens", token);
}

/** The token, or null when it was sealed under another secret (then an admin regenerates it). */
export function unsealPingToken(sealed: string | null): string | null {
  return unseal("ping tokens", sealed);
}
