// Secrets kept at rest (ping tokens, notification channels' addresses and secrets): AES-256-GCM under a
// key derived from the session secret and a purpose, so a copy of the database alone (a backup handed
// around) holds none of them, and a value sealed for one purpose does not open for another.
import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

function sealKey(purpose: string): Buffer {
  return createHash("sha256").update(`switchboard ${purpose}\u0000${authSecret()}`).digest();
}

export function seal(purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(purpose), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

/** The plain text, or null when it was sealed under another secret or purpose. */
export function unseal(purpose: string, sealed: string | null): string | null {
  if (!sealed) return null;
  try {
    const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
    const decipher = createDecipheriv("aes-256-gcm", sealKey(purpose), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
