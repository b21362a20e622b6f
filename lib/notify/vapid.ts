// The VAPID key pair Web Push signs with (RFC 8292): made once and kept in the data folder, like the
// session secret (lib/auth/secret.ts), in a file only this user can read. The public key is served to
// signed-in browsers to subscribe with; the private key never leaves the server.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import webpush from "web-push";
import { dataDir } from "@/lib/env";

export type VapidKeys = { publicKey: string; privateKey: string };

const globalForVapid = globalThis as unknown as { switchboardVapid?: { file: string; keys: VapidKeys } };

export function vapidKeysFile(): string {
  return path.join(dataDir(), "vapid-keys.json");
}

export function vapidKeys(): VapidKeys {
  const file = vapidKeysFile();
  if (globalForVapid.switchboardVapid?.file === file) return globalForVapid.switchboardVapid.keys;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // `wx`: of two processes starting at once, exactly one writes; the other reads what it wrote
    fs.writeFileSync(file, JSON.stringify(webpush.generateVAPIDKeys()), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const keys = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<VapidKeys>;
  if (typeof keys.publicKey !== "string" || typeof keys.privateKey !== "string") throw new Error(`The VAPID keys in ${file} are unreadable; delete the file to make new ones (browsers must then subscribe again)`);
  globalForVapid.switchboardVapid = { file, keys: { publicKey: keys.publicKey, privateKey: keys.privateKey } };
  return globalForVapid.switchboardVapid.keys;
}

/** The VAPID subject: SWITCHBOARD_URL when it is https (push services want a contact), else a mailto. */
export function vapidSubject(site: URL): string {
  return site.protocol === "https:" ? site.origin : "mailto:switchboard@localhost";
}
