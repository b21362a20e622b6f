// The team's channels from the workspace's notifications.yaml: `${VAR}` expanded from the server's
// environment (as in mcp.json), each broken entry reported with its file and line as other workspace
// files are, and the good entries kept. Read again when the file changes (mtime and size).
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { serverVariables, workspaceDir } from "@/lib/env";
import { expandString } from "@/lib/mcp/expand";
import { listEntryErrors } from "@/lib/pipelines/yaml-locate";
import { ZChannelEntry, type ChannelType } from "@/lib/notify/notify.schema";
import type { NotificationEvent } from "@/lib/db/outbox";

export const NOTIFICATIONS_FILE = "notifications.yaml";

/** A channel ready to send to: its address and secret expanded (never sent to a browser). */
export type Channel = {
  name: string;
  type: ChannelType;
  url?: string;
  secret?: string;
  token?: string;
  to?: string;
  /** webpush: the subscription's keys (its endpoint is `url`) */
  keys?: { p256dh: string; auth: string };
  events: NotificationEvent[];
  /** null: every client */
  clients: string[] | null;
  /** the person whose own channel this is (filtered by lib/notify/address-filter.ts); absent or null: a team channel */
  ownerId?: string | null;
};

export type ChannelConfig = { channels: Channel[]; errors: string[] };

const SECRET_KEYS = ["url", "secret", "token", "to"] as const;

/** Parses the text of notifications.yaml; `vars` are the variables `${VAR}` may name. */
export function parseNotificationsText(text: string, vars: Readonly<Record<string, string | undefined>>, file = NOTIFICATIONS_FILE): ChannelConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return { channels: [], errors: doc.errors.map((e) => `${file}:${lines.linePos(e.pos[0]).line} YAML: ${e.message.split("\n")[0]}`) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return { channels: [], errors: [`${file} YAML: unreadable`] };
  }
  if (value === null || value === undefined) return { channels: [], errors: [] };
  if (!Array.isArray(value)) return { channels: [], errors: [`${file}:1 expected a list of channels (- name: ..., type: webhook, ...)`] };
  const located = listEntryErrors(doc, lines, file);
  const channels: Channel[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  value.forEach((raw, index) => {
    const parsed = ZChannelEntry.safeParse(raw);
    if (!parsed.success) {
      errors.push(...located.ofIssues(index, parsed.error.issues));
      return;
    }
    const entry = parsed.data;
    const problems: { key: string; message: string }[] = [];
    if (seen.has(entry.name)) problems.push({ key: "name", message: `the name "${entry.name}" is used twice` });
    seen.add(entry.name);
    const channel: Channel = { name: entry.name, type: entry.type, events: entry.events, clients: entry.clients ?? null };
    for (const key of SECRET_KEYS) {
      const written = (entry as Record<string, unknown>)[key];
      if (typeof written !== "string") continue;
      const { value: expanded, missing } = expandString(written, { vars });
      if (missing.length) problems.push({ key, message: `${missing.map((m) => `\${${m}}`).join(", ")} is not set in Switchboard's environment` });
      else channel[key] = expanded;
    }
    if (channel.url !== undefined && !isHttpUrl(channel.url)) problems.push({ key: "url", message: "expected an http:// or https:// address" });
    if (problems.length) {
      for (const p of problems) errors.push(located.atKey(index, p.key, p.message));
      return;
    }
    channels.push(channel);
  });
  return { channels, errors };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

let cache: { absolute: string; mtimeMs: number; size: number; result: ChannelConfig } | null = null;

/** The channels of `<workspace>/notifications.yaml` (none when the file is missing). */
export function loadNotificationChannels(root = workspaceDir()): ChannelConfig {
  const absolute = path.join(root, NOTIFICATIONS_FILE);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    return { channels: [], errors: [] };
  }
  if (cache && cache.absolute === absolute && cache.mtimeMs === stat.mtimeMs && cache.size === stat.size) return cache.result;
  const result = parseNotificationsText(fs.readFileSync(absolute, "utf8"), serverVariables());
  cache = { absolute, mtimeMs: stat.mtimeMs, size: stat.size, result };
  return result;
}

/** Whether `channel` takes `event` for `client` (a channel limited to clients takes no client-less event). */
export function channelTakes(channel: Pick<Channel, "events" | "clients">, event: string, client: string | null): boolean {
  if (!channel.events.includes(event as NotificationEvent)) return false;
  return channel.clients === null || (client !== null && channel.clients.includes(client));
}

/** An address as the browser and the log may show it: scheme and host, the rest hidden. */
export function maskAddress(channel: Pick<Channel, "type" | "url" | "to">): string {
  if (channel.type === "email") {
    const [user, domain] = (channel.to ?? "").split("@");
    return domain ? `${user.slice(0, 1)}…@${domain}` : "…";
  }
  try {
    const url = new URL(channel.url ?? "");
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return "…";
  }
}
