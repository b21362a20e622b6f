// Ping tokens: 32 random bytes in the URL. Pings are looked up by the token's sha256, so a wrong token
// costs one indexed read and reveals nothing. Like Healthchecks.io, the heartbeat's page shows its ping
// URL to signed-in users; the token is kept AES-256-GCM sealed under a key derived from the session secret,
// so a copy of the database alone (a backup handed around) does not hold working ping URLs.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

export const PING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newPingToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashPingToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function sealKey(): Buffer {
  return createHash("sha256").update(`switchboard ping tokens\u0000${authSecret()}`).digest();
}

export function sealPingToken(token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(), iv);
  const body = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

/** The token, or null when it was sealed under another secret (then an admin regenerates it). */
export function unsealPingToken(sealed: string | null): string | null {
  if (!sealed) return null;
  try {
    const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
    const decipher = createDecipheriv("aes-256-gcm", sealKey(), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
