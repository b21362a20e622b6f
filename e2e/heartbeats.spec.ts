// Heartbeats: the board shows a failing heartbeat as failing and a paused one as paused, and a ping
// sent with curl turns a new heartbeat up without a reload (the board polls the API).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, workspace } from "./fixtures";

const run = promisify(execFile);

/** Adds ping checks to the e2e workspace's heartbeats.yaml (the server reads it again when it changes). */
function addPingChecks(entries: { slug: string; name: string }[]): void {
  const file = path.join(workspace(), "heartbeats.yaml");
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const added = entries.map((e) => `- slug: ${e.slug}\n  name: ${e.name}\n  every: 1h\n  grace: 10m\n  client: acme\n`).join("");
  fs.writeFileSync(file, `${current.trimEnd()}\n${added}`);
}

type Listed = { slug: string; status: string; pingUrl: string | null };

test("the board shows failing and paused heartbeats, and a curl ping turns a new one up without a reload", async ({ page }) => {
  const id = randomBytes(3).toString("hex");
  const failing = { slug: `e2e-fail-${id}`, name: `Backup ${id}` };
  const paused = { slug: `e2e-pause-${id}`, name: `Report ${id}` };
  const fresh = { slug: `e2e-new-${id}`, name: `Uptime ${id}` };
  addPingChecks([failing, paused, fresh]);

  // the API lists each with its ping URL once the file is read again
  let items: Listed[] = [];
  await expect(async () => {
    const res = await page.request.get("/api/heartbeats");
    expect(res.status()).toBe(200);
    items = ((await res.json()) as { items: Listed[] }).items;
    expect(items.map((i) => i.slug)).toEqual(expect.arrayContaining([failing.slug, paused.slug, fresh.slug]));
  }).toPass();
  const urlOf = (slug: string) => {
    const url = items.find((i) => i.slug === slug)?.pingUrl;
    if (!url) throw new Error(`no ping URL for ${slug}`);
    return url;
  };

  // a failure reported from the test process, with its output as the body
  const fail = await fetch(`${urlOf(failing.slug)}/fail`, { method: "POST", body: "tar: /backup: No space left on device" });
  expect(fail.status).toBe(200);

  await page.goto("/heartbeats");
  const row = (slug: string) => page.locator(`tr[data-heartbeat="${slug}"]`);
  await expect(row(failing.slug).locator('[data-status="failing"]')).toBeVisible();
  await expect(row(failing.slug)).toContainText("No space left on device");
  await expect(row(fresh.slug).locator('[data-status="new"]')).toBeVisible();

  await row(paused.slug)
    .getByRole("button", { name: `Pause ${paused.name}` })
    .click();
  await expect(row(paused.slug).locator('[data-status="paused"]')).toBeVisible();
  await expect(row(paused.slug).getByRole("button", { name: `Resume ${paused.name}` })).toBeVisible();

  // curl, as a cron job would; the open board turns the heartbeat up on its own
  const { stdout } = await run("curl", ["-fsS", "-m", "10", urlOf(fresh.slug)]);
  expect(stdout).toBe("OK\n");
  await expect(row(fresh.slug).locator('[data-status="up"]')).toBeVisible();

  // the heartbeat page: its history and its ping URL with copy, curl and crontab examples
  await page.goto(`/heartbeats/${failing.slug}`);
  await expect(page.getByLabel("Ping URL")).toHaveText(urlOf(failing.slug));
  await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
  await expect(page.locator("pre")).toContainText("crontab");
  await expect(page.locator('tr[data-event="fail"]')).toContainText("No space left on device");

  // Today lists failing and late heartbeats first; the client's page lists its own
  await page.goto("/");
  await expect(page.getByRole("list", { name: "Failing and late heartbeats" }).locator(`[data-heartbeat="${failing.slug}"]`)).toBeVisible();
  await page.goto("/clients/acme");
  await expect(page.getByRole("list", { name: "Client heartbeats" }).locator(`[data-heartbeat="${paused.slug}"]`)).toBeVisible();
});

test.describe("without a session", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the heartbeats API is a 401, a ping with a wrong token is a 404 revealing nothing", async ({ request }) => {
    expect((await request.get("/api/heartbeats")).status()).toBe(401);
    expect((await request.post("/api/heartbeats/nightly-backup/pause")).status()).toBe(401);
    expect((await request.post("/api/heartbeats/hourly-digest/run")).status()).toBe(401);
    const wrong = await request.get(`/api/ping/${randomBytes(32).toString("base64url")}`);
    expect(wrong.status()).toBe(404);
    expect(await wrong.json()).toEqual({ error: "Not found" });
  });
});
