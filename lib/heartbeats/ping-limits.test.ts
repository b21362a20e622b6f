// Ping URLs under load, through their route handlers: about 60 signals a minute per token, the rest 429
// before the body is read; a flapping heartbeat (fail, success, fail...) queues its on_failure run once
// an hour and shows that it flaps; ping URLs go to those who may run pipelines, never to a read token.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as heartbeatsRoute } from "@/app/api/heartbeats/route";
import { POST as pingPost } from "@/app/api/ping/[token]/route";
import { POST as signalPost } from "@/app/api/ping/[token]/[signal]/route";
import { createApiToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { loadHeartbeats } from "@/lib/heartbeats/definitions";
import { recordPing } from "@/lib/heartbeats/ping";
import { PING_LIMIT_PER_MINUTE } from "@/lib/heartbeats/ping-limit";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import { ensureHeartbeatStates } from "@/lib/heartbeats/store";
import { writePipeline } from "@/lib/testing/engine";
import { clearWorkspace, eventsOf, tokenOf, uniqueSlug, writeHeartbeatsYaml } from "@/lib/testing/heartbeats";

const BASE = "http://localhost:3000/api/ping";

/** A POST ping whose body records whether anything read it. */
function pingWithBody(token: string, signal: string | undefined) {
  const seen = { read: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.read = true;
        controller.enqueue(new TextEncoder().encode(signal === "fail" ? "disk full" : "ok"));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  ); // nothing is pulled until someone reads
  const url = signal === undefined ? `${BASE}/${token}` : `${BASE}/${token}/${signal}`;
  const req = new Request(url, { method: "POST", body, headers: { host: "localhost:3000" }, duplex: "half" } as RequestInit);
  const response = signal === undefined ? pingPost(req, { params: Promise.resolve({ token }) }) : signalPost(req, { params: Promise.resolve({ token, signal }) });
  return response.then((r) => ({ status: r.status, retryAfter: r.headers.get("retry-after"), seen }));
}

async function flappingHeartbeat() {
  const slug = uniqueSlug("flappy");
  const alert = uniqueSlug("page-someone");
  writePipeline(alert, 'name: Page someone\ninputs:\n  error: { type: string }\nsteps:\n  - id: a\n    tool: test/echo\n    args: { message: "{{ inputs.error }}" }\n');
  writeHeartbeatsYaml(`- slug: ${slug}\n  name: Flappy\n  every: 1h\n  on_failure: ${alert}\n`);
  await ensureHeartbeatStates(loadHeartbeats().heartbeats);
  return { slug, alert, token: await tokenOf(slug) };
}

beforeEach(() => clearWorkspace());

describe("pings under load", () => {
  it("100 pings in a second on one token: about 60 taken, the rest 429 before their body is read; a flapping heartbeat alerts once an hour and shows that it flaps", async () => {
    const flood = await flappingHeartbeat();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => pingWithBody(flood.token, i % 2 === 0 ? "fail" : undefined)));
    const taken = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    // 60 at once, and one more for each second the burst took
    const refill = Math.floor((Date.now() - started) / 1000);
    expect(taken.length).toBeGreaterThanOrEqual(PING_LIMIT_PER_MINUTE);
    expect(taken.length).toBeLessThanOrEqual(PING_LIMIT_PER_MINUTE + refill);
    expect(taken.length + limited.length).toBe(100);
    expect(limited.every((r) => !r.seen.read && Number(r.retryAfter) >= 1)).toBe(true);
    expect(taken.every((r) => r.seen.read)).toBe(true);
    // only the pings taken were recorded
    expect(await eventsOf(flood.slug, ["success", "fail"])).toHaveLength(taken.length);
    expect(await prisma.run.count({ where: { pipelineSlug: flood.alert } })).toBeLessThanOrEqual(1);

    // fail, success, fail, ... one after another: an incident each time, one on_failure run
    const { slug, alert, token } = await flappingHeartbeat();
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await pingWithBody(token, i % 2 === 0 ? "fail" : undefined)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await prisma.run.count({ where: { pipelineSlug: alert } })).toBe(1);
    expect(await eventsOf(slug, ["alert"])).toHaveLength(1);
    expect((await eventsOf(slug, ["recovered"])).length).toBeGreaterThan(1);
    expect((await listHeartbeatSummaries()).items.find((h) => h.slug === slug)).toMatchObject({ status: "up", flapping: true });

    // an hour after the alert it may alert again, once
    const later = new Date(Date.now() + 61 * 60_000);
    const at = (ms: number) => new Date(later.getTime() + ms);
    expect(await recordPing(token, { kind: "fail", exitCode: null }, null, at(0))).toBe(true);
    expect(await recordPing(token, { kind: "success", exitCode: null }, null, at(1_000))).toBe(true);
    expect(await recordPing(token, { kind: "fail", exitCode: null }, null, at(2_000))).toBe(true);
    expect(await prisma.run.count({ where: { pipelineSlug: alert } })).toBe(2);
    // a heartbeat whose last flap is over an hour old no longer shows as flapping
    expect((await listHeartbeatSummaries({ now: at(2 * 3_600_000) })).items.find((h) => h.slug === slug)?.flapping).toBe(false);
  });

  it("a token over its limit does not slow another token", async () => {
    const a = await flappingHeartbeat();
    const burst = await Promise.all(Array.from({ length: PING_LIMIT_PER_MINUTE + 10 }, () => pingWithBody(a.token, undefined)));
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    const b = await flappingHeartbeat();
    expect((await pingWithBody(b.token, undefined)).status).toBe(200);
  });
});

describe("ping URLs in GET /api/heartbeats", () => {
  it("go to run and admin tokens, never to a read token", async () => {
    const { slug, token } = await flappingHeartbeat();
    const user = await createUser({ email: `pings-${uniqueSlug("op")}@example.com`, password: "long-enough-password", role: "operator" }, { label: "test" });
    const get = async (scope: "read" | "run" | "admin") => {
      const { token: bearer } = await createApiToken(user.id, { name: scope, scope }, { id: user.id, label: user.email });
      const response = await heartbeatsRoute(new Request("http://localhost:3000/api/heartbeats", { headers: { host: "localhost:3000", authorization: `Bearer ${bearer}` } }), { params: Promise.resolve({}) });
      expect(response.status).toBe(200);
      const text = await response.text();
      return { text, item: (JSON.parse(text) as { items: { slug: string; pingUrl: string | null }[] }).items.find((h) => h.slug === slug) };
    };
    const read = await get("read");
    expect(read.item?.pingUrl).toBeNull();
    expect(read.text).not.toContain(token);
    expect((await get("run")).item?.pingUrl).toBe(`http://localhost:3000/api/ping/${token}`);
    expect((await get("admin")).item?.pingUrl).toBe(`http://localhost:3000/api/ping/${token}`);
  });
});
