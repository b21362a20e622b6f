import http from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJson } from "@/lib/http/request";
import { SafeError } from "@/lib/errors";

/** A chunked body that never ends: reading it whole before counting would never finish. */
function endlessBody(chunkBytes: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunkBytes;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

describe("readJson counts a streamed body while it arrives", () => {
  it("refuses an endless chunked body with 413 after about the cap, without reading the rest", async () => {
    const body = endlessBody(16 * 1024);
    const req = new Request("http://localhost/api/x", { method: "POST", body: body.stream, duplex: "half" } as RequestInit);
    const error = await readJson(req, 100_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafeError);
    expect((error as SafeError).status).toBe(413);
    // what was pulled is the cap plus at most the stream's read-ahead, not the whole (endless) body
    expect(body.pulled()).toBeLessThan(100_000 + 4 * 16 * 1024);
  });

  it("refuses a declared Content-Length over the cap before reading", async () => {
    const req = new Request("http://localhost/api/x", { method: "POST", body: "{}", headers: { "content-length": "5000000" } });
    await expect(readJson(req, 1_000)).rejects.toMatchObject({ status: 413 });
  });

  it("reads a body under the cap, in several chunks, including multi-byte characters split across them", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ name: "Zoë ✓", n: 1 }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const req = new Request("http://localhost/api/x", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(await readJson(req, 1_000)).toEqual({ name: "Zoë ✓", n: 1 });
  });

  it("over a real socket: a chunked upload past the cap gets 413 and the server stays responsive", async () => {
    const server = http.createServer(async (req, res) => {
      const request = new Request(`http://localhost${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.method === "POST" ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
      } as RequestInit);
      try {
        await readJson(request, 64 * 1024);
        res.writeHead(200).end("ok");
      } catch (e) {
        res.writeHead((e as SafeError).status ?? 500, { connection: "close" }).end("too large");
        req.destroy();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    let sent = 0;
    const upload = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 50 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const res = await fetch(`http://127.0.0.1:${port}/up`, { method: "POST", body: upload, duplex: "half" } as RequestInit).catch(() => null);
    if (res) expect(res.status).toBe(413);
    expect(sent).toBeLessThan(50 * 1024 * 1024);
    expect(await (await fetch(`http://127.0.0.1:${port}/up`)).text()).toBe("ok");
    await new Promise<void>((r) => server.close(() => r()));
  });
});
