// One canonical-JSON hash for everything Switchboard compares by content: an approved client server entry
// and a pinned tool definition. Keys sorted by code unit (safe-stable-stringify's deterministic mode), so
// the same JSON written with its keys in another order hashes the same, on every machine and locale.
import "server-only";
import { createHash } from "node:crypto";
import { configure } from "safe-stable-stringify";

const stringify = configure({ deterministic: true, bigint: true, circularValue: Error });

/** The canonical JSON text of a value (undefined values in objects dropped, as JSON does). */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? "null";
}

/** SHA-256 (hex) of the canonical JSON text. */
export function canonicalHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
