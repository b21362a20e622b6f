// Hooks on the Node HTTP server that `next start` creates, installed once from the server process.
// Next offers no way to reach that server or its sockets from the app, so the hook sits on
// http.Server.prototype.emit, which every server in this process dispatches its requests through.
import "server-only";
import http from "node:http";
import { markPeerHeaderInstalled, PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";

/**
 * Reverse proxies (nginx, most load balancers) keep idle upstream connections for 60 s or more; Node's
 * default of 5 s lets a proxy reuse a socket the server is closing, and the request fails with
 * ECONNRESET. The headers timeout must stay above the keep-alive timeout.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const HEADERS_TIMEOUT_MS = 66_000;

const configured = new WeakSet<http.Server>();
const globalForHooks = globalThis as unknown as { switchboardServerHooks?: boolean };

function configure(server: http.Server): void {
  if (configured.has(server)) return;
  configured.add(server);
  if (server.keepAliveTimeout < KEEP_ALIVE_TIMEOUT_MS) server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  if (server.headersTimeout < HEADERS_TIMEOUT_MS) server.headersTimeout = HEADERS_TIMEOUT_MS;
}

export function installServerHooks(): void {
  if (globalForHooks.switchboardServerHooks) return;
  globalForHooks.switchboardServerHooks = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: [unknown, ...unknown[]]): boolean {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      // replaces whatever the client sent under this name: only the socket says where it comes from
      const address = req.socket?.remoteAddress;
      if (address) req.headers[PEER_ADDRESS_HEADER] = address;
      else delete req.headers[PEER_ADDRESS_HEADER];
      configure(this);
    }
    return (emit as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
  markPeerHeaderInstalled();
}
