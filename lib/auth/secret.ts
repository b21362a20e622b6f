// The session signing key: AUTH_SECRET / NEXTAUTH_SECRET, else one generated once and kept in the data folder.
import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, env } from "@/lib/env";

const globalForSecret = globalThis as unknown as { switchboardAuthSecret?: string };

export function authSecret(): string {
  const fromEnv = env().AUTH_SECRET ?? env().NEXTAUTH_SECRET;
  if (fromEnv) return fromEnv;
  if (globalForSecret.switchboardAuthSecret) return globalForSecret.switchboardAuthSecret;
  const file = path.join(dataDir(), "auth-secret");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // `wx`: of two processes starting at once, exactly one writes; the other reads what it wrote
    fs.writeFileSync(file, randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`The session secret in ${file} is too short; delete the file to generate a new one`);
  globalForSecret.switchboardAuthSecret = secret;
  return secret;
}
