// Ping URLs through their route handlers: every signal (success, start, fail, exit code; GET or POST),
// duration from start to success, a body kept up to 10 KB, and a wrong token that is a 404 and writes nothing.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as pingGet, POST as pingPost } from "@/app/api/ping/[token]/route";
import { GET as signalGet, POST as signalPost } from "@/app/api/ping/[token]/[signal]/route";
import { prisma } from "@/lib/db/client";
import { newPingToken } from "@/lib/heartbeats/ping-token";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { ensureHeartbeatStates } from "@/lib/heartbeats/store";
import { loadHeartbeats } from "@/lib/heartbeats/definitions";
import { clearWorkspace, eventsOf, tokenOf, uniqueSlug, writeHeartbeatsYaml } from "@/lib/testing/heartbeats";

const BASE = "http://localhost:3000/api/ping";
const req = (url: string, init: RequestInit = {}) => new Request(url, { ...init, headers: { host: "localhost:3000", ...(init.headers ?? {}) } });

async function ping(token: string, signal?: string, init: RequestInit = {}) {
  const method = init.method ?? "GET";
  const url = signal === undefined ? `${BASE}/${token}` : `${BASE}/${token}/${signal}`;
  if (signal === undefined) return (method === "POST" ? pingPost : pingGet)(req(url, init), { params: Promise.resolve({ token }) });
  return (method === "POST" ? signalPost : signalGet)(req(url, init), { params: Promise.resolve({ token, signal }) });
}

async function newHeartbeat(): Promise<{ slug: string; token: string }> {
  const slug = uniqueSlug("job");
  writeHeartbeatsYaml(`- slug: ${slug}\n  name: Job\n  every: 1h\n`);
  await ensureHeartbeatStates(loadHeartbeats().heartbeats);
  return { slug, token: await tokenOf(slug) };
}

async function statusOf(slug: string) {
  return (await listHeartbeatSummaries()).items.find((i) => i.slug === slug);
}

async function rowCounts() {
  const [states, events, runs, audit] = await Promise.all([prisma.heartbeatState.findMany({ select: { lastSignalAt: true } }), prisma.heartbeatEvent.count(), prisma.run.count(), prisma.auditLog.count()]);
  return { signals: states.map((s) => s.lastSignalAt?.getTime() ?? null), events, runs, audit };
}

beforeEach(() => clearWorkspace());

describe("ping URLs", () => {
  it("record success, start, fail and exit codes by GET or POST, with the duration from start to success", async () => {
    const { slug, token } = await newHeartbeat();
    expect((await statusOf(slug))?.status).toBe("new");
    const start = await ping(token, "start");
    expect(start.status).toBe(200);
    expect(await start.text()).toBe("OK\n");
    expect((await statusOf(slug))?.startedAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    expect((await ping(token, undefined, { method: "POST", body: "backup done: 3 GB" })).status).toBe(200);
    const [success] = await eventsOf(slug, ["success"]);
    expect(success.message).toBe("backup done: 3 GB");
    expect(success.durationMs).toBeGreaterThanOrEqual(20);
    expect((await statusOf(slug))?.status).toBe("up");

    expect((await ping(token, "fail", { method: "POST", body: "tar: disk full" })).status).toBe(200);
    expect((await statusOf(slug))?.status).toBe("failing");
    expect((await statusOf(slug))?.lastError).toBe("tar: disk full");
    expect((await ping(token, "0")).status).toBe(200);
    expect((await statusOf(slug))?.status).toBe("up");
    expect((await ping(token, "137")).status).toBe(200);
    const failing = await statusOf(slug);
    expect(failing?.status).toBe("failing");
    expect(failing?.lastError).toBe("exit code 137");
    const kinds = (await eventsOf(slug, ["start", "success", "fail"])).map((e) => `${e.kind}${e.exitCode === null ? "" : `:${e.exitCode}`}`);
    expect(kinds).toEqual(["start", "success", "fail", "success:0", "fail:137"]);
  });

  it("keep at most 10 KB of a body and say it was cut", async () => {
    const { slug, token } = await newHeartbeat();
    expect((await ping(token, undefined, { method: "POST", body: "x".repeat(50_000) })).status).toBe(200);
    const [success] = await eventsOf(slug, ["success"]);
    expect(success.message?.startsWith("x".repeat(10 * 1024))).toBe(true);
    expect(success.message).toMatch(/\[cut at 10 KB\]$/);
    expect(success.message?.length).toBeLessThan(10 * 1024 + 40);
  });

  it("answer a wrong, malformed or unknown-signal token with a 404 that reveals nothing and writes nothing", async () => {
    const { token } = await newHeartbeat();
    const before = await rowCounts();
    const responses = [
      await ping(newPingToken()),
      await ping(newPingToken(), "fail", { method: "POST", body: "x" }),
      await ping("../../etc/passwd"),
      await ping("short"),
      await ping(token, "256"),
      await ping(token, "restart"),
    ];
    for (const r of responses) {
      expect(r.status).toBe(404);
      expect(await r.json()).toEqual({ error: "Not found" });
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("refuse a foreign Host (DNS rebinding) but need no session", async () => {
    const { token } = await newHeartbeat();
    const foreign = await pingGet(new Request(`http://evil.example/api/ping/${token}`, { headers: { host: "evil.example" } }), { params: Promise.resolve({ token }) });
    expect(foreign.status).toBe(403);
    expect((await ping(token)).status).toBe(200);
  });
});
