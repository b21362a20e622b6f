import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { HEADERS_TIMEOUT_MS, installServerHooks, KEEP_ALIVE_TIMEOUT_MS } from "@/lib/http/node-server";

const h = (init: Record<string, string>) => new Headers(init);

describe("clientAddress", () => {
  const spoofed = h({ [PEER_ADDRESS_HEADER]: "10.0.0.5", "x-forwarded-for": "203.0.113.9, 198.51.100.7" });

  it("without SWITCHBOARD_TRUST_PROXY, X-Forwarded-For is ignored and the socket's address is used", () => {
    expect(clientAddress(spoofed, { trustProxy: undefined, peerHeaderInstalled: true })).toBe("10.0.0.5");
    expect(clientAddress(h({ "x-forwarded-for": "203.0.113.9" }), { trustProxy: undefined, peerHeaderInstalled: true })).toBeUndefined();
  });

  it("behind a trusted proxy, the hop that proxy appended (the last) is the client", () => {
    expect(clientAddress(spoofed, { trustProxy: "1", peerHeaderInstalled: true })).toBe("198.51.100.7");
    expect(clientAddress(spoofed, { trustProxy: "10.0.0.5", peerHeaderInstalled: true })).toBe("198.51.100.7");
    expect(clientAddress(h({ [PEER_ADDRESS_HEADER]: "::ffff:10.0.0.5", "x-forwarded-for": "198.51.100.7" }), { trustProxy: "10.0.0.5, 10.0.0.6", peerHeaderInstalled: true })).toBe("198.51.100.7");
  });

  it("a proxy list that does not name the peer trusts nothing it forwards", () => {
    expect(clientAddress(spoofed, { trustProxy: "10.9.9.9", peerHeaderInstalled: true })).toBe("10.0.0.5");
  });

  it("a peer header the server did not set is not believed", () => {
    expect(clientAddress(spoofed, { trustProxy: undefined, peerHeaderInstalled: false })).toBeUndefined();
  });
});

describe("the server hook (a real Node HTTP server and socket)", () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    installServerHooks();
    server = http.createServer((req, res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const trustProxy = req.url?.includes("trust") ? "1" : undefined;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ address: clientAddress(headers, { trustProxy }) ?? null, keepAlive: server.keepAliveTimeout, headersTimeout: server.headersTimeout }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string, headers: Record<string, string>) =>
    (await (await fetch(`http://127.0.0.1:${port}${path}`, { headers })).json()) as { address: string | null; keepAlive: number; headersTimeout: number };

  it("a client's X-Forwarded-For and forged peer header do not change the address without a trusted proxy", async () => {
    const body = await get("/", { "x-forwarded-for": "203.0.113.66", [PEER_ADDRESS_HEADER]: "203.0.113.77" });
    expect(body.address).toBe("127.0.0.1");
  });

  it("with SWITCHBOARD_TRUST_PROXY the forwarded address is used", async () => {
    const body = await get("/trust", { "x-forwarded-for": "203.0.113.66" });
    expect(body.address).toBe("203.0.113.66");
  });

  it("keeps idle connections longer than a reverse proxy does, with the headers timeout above that", async () => {
    const body = await get("/", {});
    expect(body.keepAlive).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(body.keepAlive).toBeGreaterThan(60_000);
    expect(body.headersTimeout).toBeGreaterThan(body.keepAlive);
    expect(HEADERS_TIMEOUT_MS).toBeGreaterThan(KEEP_ALIVE_TIMEOUT_MS);
  });
});
