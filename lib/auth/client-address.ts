// The address a sign-in attempt comes from, for throttling. `X-Forwarded-For` is written by whoever sends
// the request, so it counts only behind a proxy the operator named (SWITCHBOARD_TRUST_PROXY); otherwise
// the socket's own address is used, as the web server process recorded it (lib/http/node-server.ts).

/** Set by the server process from the socket, after removing any value the client sent. */
export const PEER_ADDRESS_HEADER = "x-switchboard-peer-address";

const globalForPeer = globalThis as unknown as { switchboardPeerHeaderInstalled?: boolean };

/** Called by the server process once it overwrites PEER_ADDRESS_HEADER on every request. */
export function markPeerHeaderInstalled(): void {
  globalForPeer.switchboardPeerHeaderInstalled = true;
}

export function isPeerHeaderInstalled(): boolean {
  return globalForPeer.switchboardPeerHeaderInstalled === true;
}

function normalise(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice("::ffff:".length) : a;
}

/** `1`, `true`, `yes`: trust whatever proxy connects; otherwise a comma-separated list of the proxies' addresses. */
function trustsPeer(trustProxy: string, peer: string | undefined): boolean {
  const value = trustProxy.trim().toLowerCase();
  if (["1", "true", "yes"].includes(value)) return true;
  if (!peer) return false;
  const trusted = value.split(",").map(normalise).filter(Boolean);
  return trusted.includes(normalise(peer));
}

/**
 * The client's address: the socket's, or, behind a trusted proxy, the last `X-Forwarded-For` hop (the one
 * that proxy appended; hops to its left were sent by the client and prove nothing).
 */
export function clientAddress(headers: Headers, options: { trustProxy: string | undefined; peerHeaderInstalled?: boolean }): string | undefined {
  const installed = options.peerHeaderInstalled ?? isPeerHeaderInstalled();
  const peerHeader = installed ? headers.get(PEER_ADDRESS_HEADER) : null;
  const peer = peerHeader ? normalise(peerHeader) : undefined;
  if (options.trustProxy && trustsPeer(options.trustProxy, peer)) {
    const hops = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const last = hops.at(-1);
    if (last) return normalise(last);
  }
  return peer;
}
