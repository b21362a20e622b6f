// The bodies and transports of each kind of channel. A message is what every channel says, in the shape
// of the generic webhook body (INTERFACES.md): { id, event, title, text, url, client, at }.
//   webhook  that JSON, signed: X-Switchboard-Signature: sha256=<hex HMAC-SHA256 of the body under the secret>
//   slack    Slack's incoming-webhook body { text, blocks } (text is the fallback for notifications)
//   discord  Discord's execute-webhook body { content, embeds }
//   ntfy     the text POSTed to the topic URL, with Title, Click and Tags headers
//   email    a mail over SMTP_URL from SMTP_FROM (nodemailer)
//   webpush  { title, text, url } encrypted to a person's browser (web-push: VAPID, aes128gcm, RFC 8291);
//            a subscription the push service calls gone (404, 410) is deleted
// No redirect is followed: a channel's address is the one the admin wrote. Errors name what failed
// (an HTTP status, a connection error's code), never the address, which may hold a secret; a refused
// address of a person's own channel is named (lib/notify/address-filter.ts), its path and query never.
// A person's own channel (ownerId set) is sent through the address filter's agent; a team channel is not.
import "server-only";
import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import nodemailer from "nodemailer";
import webpush from "web-push";
import { env, publicUrl } from "@/lib/env";
import { SafeError } from "@/lib/errors";
import { assertLiteralHostAllowed, guardedAgent, pushEndpoint } from "@/lib/notify/address-filter";
import type { Channel } from "@/lib/notify/config";
import { deleteStoredChannel } from "@/lib/notify/stored-channels";
import { vapidKeys, vapidSubject } from "@/lib/notify/vapid";

export type NotificationMessage = { id: string; event: string; title: string; text: string; url: string; client: string | null; at: string };

export type HttpRequest = { headers: Record<string, string>; body: string };

const SEND_TIMEOUT_MS = 15_000;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function webhookRequest(message: NotificationMessage, secret: string): HttpRequest {
  const body = JSON.stringify(message);
  return {
    headers: { "content-type": "application/json", "x-switchboard-event": message.event, "x-switchboard-delivery": message.id, "x-switchboard-signature": signBody(secret, body) },
    body,
  };
}

/** Slack's mrkdwn escapes only &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping). */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function slackRequest(message: NotificationMessage): HttpRequest {
  // the fallback (notifications, screen readers) is mrkdwn too: an agent's <https://evil|Approve> stays text
  const text = `${slackEscape(message.title)}: ${slackEscape(message.text)} ${message.url}`;
  const blocks = [
    { type: "section", text: { type: "mrkdwn", text: clip(`*<${message.url}|${slackEscape(message.title)}>*\n${slackEscape(message.text)}`, 3000) } },
    { type: "context", elements: [{ type: "mrkdwn", text: clip(`${message.event}${message.client ? ` · ${slackEscape(message.client)}` : ""}`, 3000) }] },
  ];
  return { headers: { "content-type": "application/json" }, body: JSON.stringify({ text: clip(text, 3000), blocks }) };
}

/**
 * Discord renders markdown in a message's content and an embed's description: an agent's draft title
 * "[Approve now](https://evil.example)" would be a disguised link. Its markdown characters are escaped
 * (links, emphasis, headings, quotes, spoilers, code); mentions are off in allowed_mentions.
 */
export function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|>#[\]()]/g, (c) => `\\${c}`);
}

export function discordRequest(message: NotificationMessage): HttpRequest {
  const embed = {
    title: clip(message.title, 256),
    description: clip(discordEscape(message.text), 4096),
    url: message.url,
    timestamp: message.at,
    footer: { text: clip(`${message.event}${message.client ? ` · ${message.client}` : ""}`, 2048) },
  };
  // no pings: a notification never mentions @everyone or a role by accident
  return { headers: { "content-type": "application/json" }, body: JSON.stringify({ content: clip(discordEscape(message.title), 2000), embeds: [embed], allowed_mentions: { parse: [] } }) };
}

/** A header value as ntfy reads it: plain ASCII, or RFC 2047 encoded UTF-8. */
function ntfyHeader(value: string): string {
  const line = value.replace(/[\r\n]+/g, " ");
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, "utf8").toString("base64")}?=`;
}

const NTFY_TAGS: Record<string, string> = {
  "draft.waiting": "inbox_tray",
  "run.failed": "x",
  "run.outcome-unknown": "question",
  "run.input-needed": "question",
  "heartbeat.failing": "rotating_light",
  "heartbeat.late": "hourglass",
  "heartbeat.recovered": "white_check_mark",
  "budget.warning": "warning",
  "budget.reached": "no_entry",
  "tool.changed": "wrench",
  "channel.failing": "warning",
};

export function ntfyRequest(message: NotificationMessage, token?: string): HttpRequest {
  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    title: ntfyHeader(clip(message.title, 250)),
    click: message.url,
    tags: [NTFY_TAGS[message.event] ?? "bell", message.event].join(","),
  };
  if (token) headers.authorization = `Bearer ${token}`;
  return { headers, body: message.text };
}

export function requestFor(channel: Channel, message: NotificationMessage): HttpRequest {
  switch (channel.type) {
    case "webhook":
      return webhookRequest(message, channel.secret ?? "");
    case "slack":
      return slackRequest(message);
    case "discord":
      return discordRequest(message);
    case "ntfy":
      return ntfyRequest(message, channel.token);
    case "email":
    case "webpush":
      throw new Error(`${channel.type} is not sent as a plain HTTP request`);
  }
}

/** POSTs one request; `guarded`: through the address filter (a person's own channel). */
async function postTo(address: string, request: HttpRequest, guarded: boolean): Promise<void> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new SafeError("the channel's address is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SafeError("the channel's address is not http(s)");
  if (guarded) assertLiteralHostAllowed(url);
  const transport = url.protocol === "https:" ? https : http;
  const status = await new Promise<number>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: "POST",
        headers: { "user-agent": "Switchboard", ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
        timeout: SEND_TIMEOUT_MS,
        ...(guarded ? { agent: guardedAgent(url.protocol) } : {}),
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { name: "TimeoutError" })));
    req.on("error", reject);
    req.end(request.body);
  }).catch((error: unknown) => {
    if (error instanceof SafeError) throw error;
    throw new SafeError(`could not reach the channel: ${connectionError(error)}`);
  });
  if (status < 200 || status > 299) throw new SafeError(`the channel answered HTTP ${status}`);
}

function connectionError(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  // fetch puts the socket's error in `cause`; node:https (web-push) throws it as it is
  const cause = error instanceof Error ? ((error.cause ?? error) as { code?: unknown }) : undefined;
  return typeof cause?.code === "string" ? cause.code : "connection failed";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

async function sendMail(to: string, message: NotificationMessage): Promise<void> {
  const { SMTP_URL, SMTP_FROM } = env();
  if (!SMTP_URL || !SMTP_FROM) throw new SafeError("mail is not set up: set SMTP_URL and SMTP_FROM");
  const transport = nodemailer.createTransport(SMTP_URL, { connectionTimeout: SEND_TIMEOUT_MS, greetingTimeout: SEND_TIMEOUT_MS, socketTimeout: SEND_TIMEOUT_MS });
  try {
    await transport.sendMail({
      from: SMTP_FROM,
      to,
      subject: clip(message.title.replace(/[\r\n]+/g, " "), 200),
      text: `${message.text}\n\nOpen it: ${message.url}\n`,
      html: `<p>${escapeHtml(message.text)}</p><p><a href="${escapeHtml(message.url)}">Open it in Switchboard</a></p>`,
      headers: { "X-Switchboard-Event": message.event, "X-Switchboard-Delivery": message.id },
    });
  } catch (error) {
    const code = typeof error === "object" && error !== null ? (error as { code?: unknown; responseCode?: unknown }) : {};
    throw new SafeError(`the mail server refused or could not be reached: ${typeof code.code === "string" ? code.code : "error"}${typeof code.responseCode === "number" ? ` ${code.responseCode}` : ""}`);
  } finally {
    transport.close();
  }
}

/** How long a push service keeps a message for a browser that is offline (a day: older news is stale). */
const PUSH_TTL_SECONDS = 24 * 60 * 60;

/** What the service worker (public/sw.js) shows; at most 4 KB travel, so the text is clipped. */
export function pushPayload(message: NotificationMessage): string {
  return JSON.stringify({ title: clip(message.title, 200), text: clip(message.text, 1000), url: message.url, tag: message.id });
}

async function sendPush(channel: Channel & { id?: string }, message: NotificationMessage): Promise<void> {
  if (!channel.url || !channel.keys) throw new SafeError("the push subscription is incomplete");
  const { publicKey, privateKey } = vapidKeys();
  // an endpoint is a person's own address: always through the address filter. web-push gets the
  // normalized href, and an endpoint its parser would read another host from (a row kept before the
  // check at save) is refused here too
  const endpoint = pushEndpoint(channel.url);
  assertLiteralHostAllowed(endpoint);
  try {
    await webpush.sendNotification({ endpoint: endpoint.href, keys: channel.keys }, pushPayload(message), {
      vapidDetails: { subject: vapidSubject(publicUrl()), publicKey, privateKey },
      TTL: PUSH_TTL_SECONDS,
      contentEncoding: "aes128gcm",
      timeout: SEND_TIMEOUT_MS,
      agent: guardedAgent("https:") as https.Agent,
    });
  } catch (error) {
    if (error instanceof SafeError) throw error;
    const status = error instanceof webpush.WebPushError ? error.statusCode : null;
    if ((status === 404 || status === 410) && channel.id) {
      // the browser unsubscribed or the subscription expired: it never comes back, so it is removed
      await deleteStoredChannel(channel.id);
      throw new SafeError(`the push service says the subscription is gone (HTTP ${status}); it was removed`);
    }
    if (status !== null) throw new SafeError(`the push service answered HTTP ${status}`);
    throw new SafeError(`could not reach the push service: ${connectionError(error)}`);
  }
}

/**
 * Sends one message to one channel; throws a SafeError that says what failed. A person's own channel
 * (`ownerId` set) goes through the address filter; a team channel may reach any address.
 */
export async function sendToChannel(channel: Channel & { id?: string }, message: NotificationMessage): Promise<void> {
  if (channel.type === "email") return sendMail(channel.to ?? "", message);
  if (channel.type === "webpush") return sendPush(channel, message);
  await postTo(channel.url ?? "", requestFor(channel, message), isPersonal(channel));
}

/** A channel kept by a person for themselves (a team channel has no owner). */
export function isPersonal(channel: Pick<Channel, "ownerId">): boolean {
  return typeof channel.ownerId === "string";
}
