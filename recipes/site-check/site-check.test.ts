// The site check recipe end to end: @playwright/mcp from node_modules driving Debian's chromium, through
// the real pool and worker, on its 15-minute schedule (a hand-driven clock), against pages served on a
// free port. The recipe is copied unchanged except its page list (the one place an operator edits).
// Healthy pages: the run succeeds with a screenshot and the heartbeat is up. A 500 and a missing
// selector: the run fails naming both, the heartbeat turns failing, and the alert pipeline runs once.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { workspaceDir } from "@/lib/env";
import { getRunDetail } from "@/lib/engine/run-detail";
import { Worker } from "@/lib/engine/worker";
import { ManualClock } from "@/lib/heartbeats/clock";
import { listHeartbeatSummaries } from "@/lib/heartbeats/queries";
import type { HeartbeatScheduler } from "@/lib/heartbeats/scheduler";
import { getMcpPool } from "@/lib/mcp/pool";
import { clientFolder } from "@/lib/workspace/paths";
import { ensureClient, waitForRunStatus } from "@/lib/testing/engine";
import { clearWorkspace, eventsOf, runUntil, startScheduler } from "@/lib/testing/heartbeats";
import { installRecipe } from "@/lib/testing/recipes";
import { waitFor } from "@/lib/testing/wait-for";

const SLUG = "site-check";
let site: http.Server;
let base: string;
let broken = false;
let worker: Worker;
let scheduler: HeartbeatScheduler | null = null;

function page(title: string, body: string) {
  return `<!doctype html><html><head><title>${title}</title></head><body style="background:#fafafa">${body}</body></html>`;
}

beforeAll(async () => {
  site = http.createServer((req, res) => {
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      // broken: the page still answers 200, but its main heading is gone
      return res.end(page("Acme Plumbing", broken ? "<main><p>Maintenance</p></main>" : "<main><h1>Acme Plumbing</h1></main>"));
    }
    if (req.url === "/contact") {
      res.writeHead(broken ? 500 : 200, { "content-type": "text/html" });
      return res.end(broken ? page("Server error", "<h1>500</h1>") : page("Contact Acme", "<form><input name=email></form>"));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

  clearWorkspace();
  await ensureClient("acme");
  expect(installRecipe("site-check")).toEqual(["site-check", "site-check-alert"]);
  // the operator's one edit: their pages
  const file = path.join(workspaceDir(), "pipelines", "site-check.yaml");
  const yaml = fs.readFileSync(file, "utf8");
  const edited = yaml.replace("https://www.acme.example/contact", `${base}/contact`).replace("https://www.acme.example/", `${base}/`);
  expect(edited).not.toBe(yaml);
  fs.writeFileSync(file, edited);
  worker = await new Worker({ pollMs: 20, leaseMs: 60_000 }).start();
});

afterAll(async () => {
  await scheduler?.stop();
  await worker?.stop({ graceMs: 2_000 });
  await getMcpPool().shutdown();
  await new Promise((resolve) => site.close(resolve));
});

async function settledRun(index: number) {
  const runs = await waitFor(
    async () => {
      const rows = await prisma.run.findMany({ where: { heartbeatSlug: SLUG }, orderBy: { createdAt: "asc" }, select: { id: true } });
      return rows.length > index ? rows : null;
    },
    60_000,
    `run ${index + 1} of the site check`,
  );
  await waitForRunStatus(runs[index].id, ["succeeded", "failed"], 180_000);
  const detail = await getRunDetail(runs[index].id);
  if (!detail) throw new Error("no run detail");
  return detail;
}

/** The image the screenshot step's call returned, as the run page gets it. */
function screenshotOf(detail: NonNullable<Awaited<ReturnType<typeof getRunDetail>>>) {
  const call = detail.steps.find((s) => s.id === "screenshot")?.toolCalls[0];
  const content = (call?.result as { content?: { type: string; mimeType?: string; data?: string }[] } | null)?.content ?? [];
  return content.find((c) => c.type === "image") ?? call?.images?.[0] ?? null;
}

async function heartbeat(clock: ManualClock) {
  return (await listHeartbeatSummaries({ now: new Date(clock.now()) })).items.find((h) => h.slug === SLUG);
}

describe("site check recipe", { timeout: 600_000 }, () => {
  it("passes on healthy pages with a screenshot in the run, then fails on a 500 and a missing selector, turning the heartbeat failing and running the alert once", async () => {
    const clock = new ManualClock(new Date("2026-06-11T09:59:00Z"));
    scheduler = await startScheduler(clock);

    await runUntil(clock, [scheduler], Date.parse("2026-06-11T10:00:30Z"));
    const good = await settledRun(0);
    expect({ status: good.status, error: good.error }).toEqual({ status: "succeeded", error: null });
    expect(good.steps.map((s) => `${s.id} ${s.status}`)).toEqual(["check succeeded", "screenshot succeeded", "verdict succeeded"]);
    const checked = good.steps[0].output as { json?: unknown; text?: string };
    expect(checked.text).toContain(`"url":"${base}/contact","status":200,"title":"Contact Acme","ok":true`);
    expect(screenshotOf(good)).toMatchObject({ type: "image", mimeType: "image/jpeg" });
    expect(String(good.steps[2].output && (good.steps[2].output as { text: string }).text)).toContain("all 2 pages passed");
    clock.advance(1000);
    scheduler.poke();
    await scheduler.settle();
    expect((await heartbeat(clock))?.status).toBe("up");

    broken = true;
    await runUntil(clock, [scheduler], Date.parse("2026-06-11T10:15:30Z"));
    const bad = await settledRun(1);
    expect(bad.status).toBe("failed");
    expect(bad.steps.map((s) => `${s.id} ${s.status}`)).toEqual(["check succeeded", "screenshot succeeded", "verdict failed"]);
    expect(bad.error).toContain(`${base}/: nothing matches the selector main h1`);
    expect(bad.error).toContain(`${base}/contact: HTTP status 500`);
    expect(screenshotOf(bad)).toMatchObject({ type: "image", mimeType: "image/jpeg" });

    // the result is recorded on the heartbeat, which turns failing and starts its alert once
    clock.advance(1000);
    scheduler.poke();
    await scheduler.settle();
    const failing = await heartbeat(clock);
    expect(failing?.status).toBe("failing");
    expect(failing?.lastError).toContain("HTTP status 500");
    const alerts = await eventsOf(SLUG, ["alert"]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].message).toMatch(/^failing: .*; started site-check-alert$/s);
    const alertRun = alerts[0].runId;
    if (!alertRun) throw new Error("the alert started no run");
    await waitForRunStatus(alertRun, ["succeeded"], 120_000);
    const note = fs.readFileSync(path.join(clientFolder("acme"), "alerts", "site-check.md"), "utf8");
    expect(note).toContain("# Site check is failing");
    expect(note).toContain(`${base}/contact: HTTP status 500`);

    // still broken at the next tick: a second failure, no second alert for the same incident
    await runUntil(clock, [scheduler], Date.parse("2026-06-11T10:30:30Z"));
    expect((await settledRun(2)).status).toBe("failed");
    clock.advance(1000);
    scheduler.poke();
    await scheduler.settle();
    expect(await eventsOf(SLUG, ["alert"])).toHaveLength(1);
    expect(await prisma.run.count({ where: { pipelineSlug: "site-check-alert" } })).toBe(1);
  });
});
