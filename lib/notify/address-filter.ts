// The outbound address filter of a person's own channels. A webhook, Slack, Discord or ntfy URL or a
// push endpoint that someone keeps under My notifications is an address the server will POST to, so it
// may not point inside: loopback, private (RFC 1918, fc00::/7), shared (100.64/10), link-local
// (169.254/16 with the cloud metadata address, fe80::/10), unspecified, multicast or reserved addresses,
// nor any address of this machine's own interfaces. An IPv6 address that carries an IPv4 one
// (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16) is judged by that IPv4 address too.
//
// It is checked when the channel is saved, and again at every send after DNS: the socket's own `lookup`
// (guardedLookup, in the agent every personal send uses) resolves the host, checks every address it got
// and hands the socket only those, so the connection goes to an address that was checked. A name that
// resolves to a public address when saved and to 127.0.0.1 at the send (DNS rebinding) is refused at the
// send. An IP literal is checked as written (a socket does no lookup for it). As a backstop, every socket
// of that agent has its remote address checked once it connects, before a byte is written (guardSocket):
// a connection that reached its address without the lookup (an IP literal some parser let through) is
// destroyed with the refusal.
//
// A push endpoint is read by web-push with Node's legacy url.parse, which can read another host than
// WHATWG URL (the filter's parser): https://127.0.0.1%2eattacker.example/ is the name
// 127.0.0.1.attacker.example to WHATWG and the IP literal 127.0.0.1 to url.parse. pushEndpoint refuses
// such an endpoint (at save and at every send) and gives the normalized href, the one kept and sent.
//
// Team channels (notifications.yaml, kept by admins) are not filtered: an admin may point them at an
// internal service on purpose. SWITCHBOARD_NOTIFY_ALLOW_PRIVATE=1 turns the filter off (tests with local
// receivers; a Switchboard whose people post to services on its own network).
import "server-only";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import type { Duplex } from "node:stream";
import { parse as legacyParse } from "node:url";
import { notifyAllowPrivate } from "@/lib/env";
import { SafeError } from "@/lib/errors";

/** A refused address; its message names the address (and the host that resolved to it). */
export class RefusedAddressError extends SafeError {
  readonly address: string;
  constructor(address: string, reason: string, host?: string) {
    super(`${host && host !== address ? `${host} resolves to ${address}` : address}, a ${reason} address: a personal channel may not send there`);
    this.name = "RefusedAddressError";
    this.address = address;
  }
}

/** 4 or 16 bytes, or null when `text` is no IP address (brackets and an IPv6 zone are dropped). */
export function ipBytes(text: string): number[] | null {
  const address = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = net.isIP(address);
  if (family === 4) return address.split(".").map(Number);
  if (family !== 6) return null;
  let head = address;
  let tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    tail = dotted[1].split(".").map(Number);
    head = `${address.slice(0, dotted.index + 1)}0:0`;
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, null];
  const groups = (s: string) => (s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16)));
  const l = groups(left);
  const r = right === null ? [] : groups(right);
  const all = right === null ? l : [...l, ...Array(8 - l.length - r.length).fill(0), ...r];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (dotted) bytes.splice(12, 4, ...tail);
  return bytes;
}

type Rule = { prefix: number[]; bits: number; reason: string };

function rule(cidr: string, reason: string): Rule {
  const [address, bits] = cidr.split("/");
  return { prefix: ipBytes(address) as number[], bits: Number(bits), reason };
}

const RULES: Rule[] = [
  rule("0.0.0.0/8", "unspecified (0.0.0.0/8, which reaches this machine)"),
  rule("10.0.0.0/8", "private (RFC 1918)"),
  rule("100.64.0.0/10", "shared (carrier-grade NAT)"),
  rule("127.0.0.0/8", "loopback"),
  rule("169.254.0.0/16", "link-local (cloud metadata)"),
  rule("172.16.0.0/12", "private (RFC 1918)"),
  rule("192.0.0.0/24", "reserved (IETF protocol assignments)"),
  rule("192.168.0.0/16", "private (RFC 1918)"),
  rule("198.18.0.0/15", "reserved (benchmarking)"),
  rule("224.0.0.0/4", "multicast"),
  rule("240.0.0.0/4", "reserved (240.0.0.0/4 and broadcast)"),
  rule("::/128", "unspecified"),
  rule("::1/128", "loopback"),
  rule("fc00::/7", "private (unique local, fc00::/7)"),
  rule("fe80::/10", "link-local"),
  rule("fec0::/10", "site-local"),
  rule("ff00::/8", "multicast"),
];

function inPrefix(bytes: number[], r: Rule): boolean {
  if (bytes.length !== r.prefix.length) return false;
  for (let bit = 0; bit < r.bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3] & mask) !== (r.prefix[bit >> 3] & mask)) return false;
  }
  return true;
}

/** One spelling per address (an IPv6 address has many). */
export function ipKey(bytes: number[]): string {
  return bytes.join(".");
}

const startsWith = (bytes: number[], prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), or null. */
function embeddedIpv4(bytes: number[]): number[] | null {
  if (bytes.length !== 16) return null;
  const zeros = Array(10).fill(0);
  if (startsWith(bytes, [...zeros, 0xff, 0xff]) || startsWith(bytes, [...zeros, 0, 0])) return bytes.slice(12);
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, ...Array(8).fill(0)])) return bytes.slice(12);
  if (startsWith(bytes, [0x20, 0x02])) return bytes.slice(2, 6);
  return null;
}

/** Every address of this machine's interfaces, as byte strings (ipKey). */
export function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) {
      const bytes = ipBytes(i.address);
      if (bytes) own.add(ipKey(bytes));
    }
  }
  return own;
}

/** Why a personal channel may not send to `address` (an IP address), or null when it may; `own`: this machine's addresses. */
export function refusedReason(address: string, own: Set<string> = ownAddresses()): string | null {
  const bytes = ipBytes(address);
  if (!bytes) return "unreadable";
  for (const r of RULES) if (inPrefix(bytes, r)) return r.reason;
  const v4 = embeddedIpv4(bytes);
  // ::/96 holds :: and ::1 (judged above), so a carried 0.x address is only checked past them
  if (v4 && !(bytes.slice(0, 12).every((b) => b === 0) && v4[0] === 0)) {
    const why = refusedReason(v4.join("."), own);
    if (why) return why;
  }
  if (own.has(ipKey(bytes))) return "this machine's own";
  return null;
}

/** Throws RefusedAddressError when `address` may not be reached (nothing when the filter is off). */
export function assertAddressAllowed(address: string, host?: string): void {
  if (notifyAllowPrivate()) return;
  const why = refusedReason(address);
  if (why) throw new RefusedAddressError(address.replace(/^\[|\]$/g, ""), why, host);
}

export type ResolvedAddress = { address: string; family: number };
export type Resolve = (host: string) => Promise<ResolvedAddress[]>;

const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/**
 * A `lookup` for net/tls.connect: resolves the host once, refuses it when any address it resolves to
 * is refused, and hands the socket only those checked addresses (so nothing resolves it again).
 */
export function guardedLookup(resolve: Resolve = systemResolve): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((all) => {
        for (const a of all) assertAddressAllowed(a.address, hostname);
        const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
        const usable = family === 0 ? all : all.filter((a) => a.family === family);
        if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" });
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, "", 0));
  };
}

/** Checks a URL's host before a connection: an IP literal as written (no lookup happens for it). */
export function assertLiteralHostAllowed(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) assertAddressAllowed(host);
}

/**
 * The backstop of the guarded agent: once `socket` connects, and before anything is written to it (the
 * check runs ahead of every other "connect" listener, the TLS handshake's too), its remote address is
 * checked like a looked-up one; a refused one destroys the socket with the RefusedAddressError. It
 * catches a connection that reached its address without the guarded lookup (an IP literal host).
 */
export function guardSocket<T extends Duplex>(socket: T): T {
  if (!(socket instanceof net.Socket)) {
    socket.destroy(new SafeError("the connection could not be checked by the address filter"));
    return socket;
  }
  socket.prependOnceListener("connect", () => {
    const address = socket.remoteAddress;
    try {
      if (!address) throw new SafeError("the connection's address could not be read: a personal channel may not send there");
      assertAddressAllowed(address, socketHost(socket));
    } catch (error) {
      socket.destroy(error as Error);
    }
  });
  return socket;
}

/** The name a TLS socket was opened for (its SNI), to name it in a refusal; undefined for plain sockets. */
function socketHost(socket: net.Socket): string | undefined {
  const name = (socket as net.Socket & { servername?: unknown }).servername;
  return typeof name === "string" && name !== "" ? name : undefined;
}

class GuardedHttpAgent extends http.Agent {
  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback && ((err, stream) => callback(err, stream && guardSocket(stream))));
    return socket && guardSocket(socket);
  }
}

class GuardedHttpsAgent extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback && ((err, stream) => callback(err, stream && guardSocket(stream))));
    return socket && guardSocket(socket);
  }
}

/**
 * An agent for one personal send: no kept-alive sockets (each connection is looked up and checked), the
 * guarded lookup, every socket's address checked once it connects (guardSocket), and the global agent's
 * other settings (a CA the process trusts).
 */
export function guardedAgent(protocol: string, resolve?: Resolve): http.Agent {
  const lookup = guardedLookup(resolve);
  if (protocol === "https:") return new GuardedHttpsAgent({ ...https.globalAgent.options, keepAlive: false, lookup });
  return new GuardedHttpAgent({ keepAlive: false, lookup });
}

/** A host as one spelling: lower case, no IPv6 brackets, an IP address by its bytes. */
function hostKey(host: string | null | undefined): string {
  const bare = (host ?? "").replace(/^\[|\]$/g, "").toLowerCase();
  const bytes = ipBytes(bare);
  return bytes ? ipKey(bytes) : bare;
}

/** The host part of `text` as written (after the scheme's slashes and any user info), or null. */
function writtenHost(text: string): string | null {
  const authority = /^[a-z][a-z0-9+.-]*:[\\/]*([^\\/?#]*)/i.exec(text.replace(/[\t\n\r]/g, "").trim())?.[1];
  return authority === undefined ? null : authority.slice(authority.lastIndexOf("@") + 1);
}

/**
 * A push endpoint as it is kept and sent: the WHATWG URL, whose href is what web-push gets. Throws a
 * SafeError for anything but https, and for an endpoint that web-push's parser (Node's legacy
 * url.parse) would read another host or port from than the address filter reads: a percent sign in
 * the host (https://127.0.0.1%2eattacker.example/ is a name to one and 127.0.0.1 to the other), or any
 * other difference, in the endpoint as given or in its href. A browser's endpoint has none of these.
 */
export function pushEndpoint(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SafeError("the push endpoint is not a URL");
  }
  if (url.protocol !== "https:") throw new SafeError("the push endpoint is not an https:// address");
  const ambiguous = new SafeError(
    `the push endpoint's host (${url.hostname}) is written so that URL parsers read different hosts from it (a percent sign, or another spelling): a push endpoint must name its host plainly`,
  );
  const written = writtenHost(text);
  if (written === null || written.includes("%")) throw ambiguous;
  for (const form of [text, url.href]) {
    let legacy: ReturnType<typeof legacyParse>;
    try {
      legacy = legacyParse(form);
    } catch {
      throw ambiguous;
    }
    if (hostKey(legacy.hostname) !== hostKey(url.hostname)) throw ambiguous;
    if (form === url.href && (legacy.port ?? "") !== url.port) throw ambiguous;
  }
  return url;
}

/**
 * The check when a person saves a channel: the URL is http(s), and its host (an IP literal, or every
 * address its name resolves to now) is allowed. Sends check again, at the connection.
 */
export async function checkPersonalTarget(text: string, resolve: Resolve = systemResolve): Promise<void> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SafeError("expected an http:// or https:// address");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SafeError("expected an http:// or https:// address");
  if (notifyAllowPrivate()) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) return assertAddressAllowed(host);
  let all: ResolvedAddress[];
  try {
    all = await resolve(host);
  } catch (error) {
    throw new SafeError(`${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? "DNS error"})`);
  }
  if (all.length === 0) throw new SafeError(`${host} could not be resolved (no address)`);
  for (const a of all) assertAddressAllowed(a.address, host);
}
