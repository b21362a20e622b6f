// The common part of the remote API stand-ins: a local HTTP server on a free port that records every
// request (method, path, query, headers, parsed JSON body) and hands it to the stand-in's router.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type StandinRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
};

export type StandinReply = { status: number; body: unknown; headers?: Record<string, string> } | "reset";

export type HttpStandin = {
  url: string;
  readonly requests: StandinRequest[];
  close(): Promise<void>;
};

export async function startHttpStandin(route: (req: StandinRequest) => StandinReply | Promise<StandinReply>): Promise<HttpStandin> {
  const requests: StandinRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://standin.local");
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // a body that is not JSON is kept as text
      }
      const request: StandinRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body };
      requests.push(request);
      let reply: StandinReply;
      try {
        reply = await route(request);
      } catch (error) {
        reply = { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
      }
      // the connection drops with no answer: what a crashed or restarted upstream looks like
      if (reply === "reset") return void req.socket.destroy();
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { "content-type": typeof reply.body === "string" ? "text/html; charset=utf-8" : "application/json; charset=utf-8", ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `user:password` of a Basic Authorization header, or null. */
export function basicCredentials(headers: http.IncomingHttpHeaders): { user: string; password: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(headers.authorization ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of a Bearer Authorization header, or null. */
export function bearerToken(headers: http.IncomingHttpHeaders): string | null {
  return /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1] ?? null;
}
